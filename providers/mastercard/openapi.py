"""The Mastercard dialect's OpenAPI document (GET /global-processing/dispute/openapi.json).

The four use cases this dialect implements (providers/mastercard/views.py), with the bodies it
reads, the answers it gives and Mastercard's error envelope on every error.
"""

from providers.mastercard.views import ATTACHMENT_TYPES, MAX_COMMENTS
from providers.openapi import answer, document, errors, json_body, obj, string

ERROR = {"$ref": "#/components/schemas/Errors"}
ERROR_CODES = (400, 401, 403, 404, 409, 413, 422, 429)
CASE_ID = {"name": "caseId", "in": "path", "required": True, "description": "The case's number.",
           "schema": {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}}
REASON_CODE = {"oneOf": [string(10), {"type": "integer", "minimum": 0}],
               "description": "A network reason code such as \"4837\"."}
FREE_TEXT = {"type": "string", "pattern": r"^[^\u0000]*$"}


def build() -> dict:
    action = answer("The action recorded on the case", {"$ref": "#/components/schemas/CaseAction"})
    return document(
        title="Mastercard Processing Dispute (dialect)",
        description=("Create a dispute case, change its trusted amount, add a file, retrieve its status. "
                     "Requests are signed with OAuth 1.0a as Mastercard's client libraries sign them "
                     "(RSA-SHA256 with oauth_body_hash), or carry an API key. Every error is "
                     "{\"Errors\": {\"Error\": [...]}}; a rule of the domain a valid-looking request breaks "
                     "(an unknown reason code, an amount above the transaction's) is a 400, as in the original."),
        server="/global-processing/dispute",
        extra_security={"oauth1": {"type": "apiKey", "in": "header", "name": "Authorization",
                                   "description": "OAuth oauth_consumer_key=..., oauth_body_hash=..., "
                                                  "oauth_signature_method=\"RSA-SHA256\", oauth_signature=..."}},
        paths={
            "/cases": {"post": {
                "operationId": "createCase", "summary": "Create a dispute case for a stored transaction",
                "requestBody": json_body(obj({
                    "financialDocumentId": {"oneOf": [{"type": "integer", "minimum": 1, "maximum": 2**63 - 1},
                                                      {"type": "string", "pattern": "^[0-9]{1,18}$"}]},
                    "reasonCode": REASON_CODE,
                    "caseComments": {**FREE_TEXT, "maxLength": MAX_COMMENTS,
                                     "description": "key=value; pairs become custom fields."},
                }, required=("financialDocumentId", "reasonCode")),
                    {"financialDocumentId": 1000000001, "reasonCode": "4853", "caseComments": "channel=web;"}),
                "responses": {"201": answer("The case", obj({"caseId": {"type": "integer"}}, required=("caseId",)),
                                            headers={"Location": {"schema": {"type": "string"}}}),
                              **errors(ERROR_CODES, ERROR)},
            }},
            "/cases/{caseId}": {"get": {
                "operationId": "retrieveCaseStatus", "summary": "The case's status", "parameters": [CASE_ID],
                "responses": {"200": answer("The status", {"$ref": "#/components/schemas/CaseStatus"}),
                              **errors(ERROR_CODES, ERROR)},
            }},
            "/cases/{caseId}/trusted-amounts": {"post": {
                "operationId": "changeTrustedAmount", "summary": "Change the disputed amount (the new total)",
                "parameters": [CASE_ID],
                "requestBody": json_body(obj({
                    "currency": {"type": "string"}, "newAmount": {"type": "number"}, "reasonCode": REASON_CODE,
                    "commentText": {**FREE_TEXT, "maxLength": MAX_COMMENTS}}, required=("currency", "newAmount")),
                    {"currency": "USD", "newAmount": 12.5, "commentText": "Partial dispute."}),
                "responses": {"200": action, **errors(ERROR_CODES, ERROR)},
            }},
            "/cases/{caseId}/attachments": {"post": {
                "operationId": "addFile", "summary": "Add a file (" + ", ".join(sorted(ATTACHMENT_TYPES)) + ")",
                "parameters": [CASE_ID],
                "requestBody": json_body(obj({
                    "actionCode": {"type": "string", "pattern": "^[A-Za-z0-9_]{1,50}$"},
                    "file": obj({"name": {**FREE_TEXT, "minLength": 1},
                                 "bytes": {"type": "string", "format": "byte", "minLength": 1}},
                                required=("name", "bytes")),
                    "commentText": {**FREE_TEXT, "maxLength": 500}}, required=("actionCode", "file")),
                    {"actionCode": "DSP_ADD_FILE", "file": {"name": "receipt.pdf", "bytes": "JVBERi0xLjQK"}}),
                "responses": {"200": action, **errors(ERROR_CODES, ERROR)},
            }},
        },
        schemas={
            "Errors": obj({"Errors": obj({"Error": {"type": "array", "minItems": 1, "items": obj({
                "Source": {"type": "string"}, "ReasonCode": {"type": "string"}, "Description": {"type": "string"},
                "Recoverable": {"type": "boolean"}, "Details": {"nullable": True}},
                required=("Source", "ReasonCode", "Description", "Recoverable"))}}, required=("Error",))},
                required=("Errors",)),
            "CaseStatus": obj({"caseId": {"type": "integer"}, "caseStatus": {"type": "string", "enum": ["A", "C"]},
                               "caseStep": {"type": "string"}, "reasonCode": {"type": "string", "nullable": True},
                               "reasonDescription": {"type": "string", "nullable": True}},
                              required=("caseId", "caseStatus", "caseStep")),
            "CaseAction": obj({"caseActionId": {"type": "integer"}, "caseActionDescription": {"type": "string"},
                               "caseNumber": {"type": "string"}},
                              required=("caseActionId", "caseActionDescription", "caseNumber")),
        },
    )
