"""The Decisionly dialect's OpenAPI document (GET /v2/issuer/openapi.json).

Cases (create, list, retrieve, update, file) and claims, in Decisionly's shapes, with its error
envelope `{"error": {type, code, message, param}}` on every error.
"""

from cases.choices import CardholderType, CardType, RaisedBy, Reason, TransactionSystem
from cases.limits import NETWORKS
from providers.openapi import answer, document, errors, json_body, obj

ERROR = {"$ref": "#/components/schemas/Error"}
ERROR_CODES = (400, 401, 403, 404, 409, 413, 422, 429)
STRING = {"type": "string"}
NULLABLE_STRING = {"type": "string", "nullable": True}
ID = {"type": "string", "pattern": "^[^/]+$"}
CASE_ID = {"name": "case_id", "in": "path", "required": True, "schema": ID}
CLAIM_ID = {"name": "claim_id", "in": "path", "required": True, "schema": ID}
CASE = {"$ref": "#/components/schemas/Case"}
CLAIM = {"$ref": "#/components/schemas/Claim"}


def _party(extra: dict) -> dict:
    return obj({"name": STRING, "issuer_id": STRING, "mobile": STRING, **extra})


def build() -> dict:
    cardholder = _party({"email": STRING, "type": {"type": "string", "enum": CardholderType.values},
                         "billing_address": obj({k: STRING for k in ("line1", "line2", "city", "state",
                                                                       "postal_code", "country")})})
    merchant = _party({"category_code": STRING, "business_name": STRING, "chargeback_email": STRING})
    transaction = obj({"arn": STRING, "switch_serial_number": STRING, "issuer_id": STRING,
                       "date": {"type": "string", "format": "date-time"}, "amount": {"type": "integer"},
                       "currency": STRING, "system": {"type": "string", "enum": TransactionSystem.values},
                       "card": obj({"network": {"type": "string", "enum": sorted(NETWORKS)}, "last4": STRING,
                                    "expiry_month": {"type": "integer"}, "expiry_year": {"type": "integer"},
                                    "type": {"type": "string", "enum": CardType.values}, "issuer_id": STRING})})
    dispute = obj({"date": {"type": "string", "format": "date-time"}, "amount": {"type": "integer"},
                   "currency": STRING, "raised_by": {"type": "string", "enum": RaisedBy.values}})
    create = obj({"reason": {"type": "string", "enum": Reason.values}, "cardholder": cardholder,
                  "merchant": merchant, "transaction": transaction, "dispute": dispute,
                  "issuer_evidence": {"type": "object"},
                  "custom_fields": {"type": "object", "additionalProperties": NULLABLE_STRING},
                  "case_id": STRING, "program_id": STRING},
                 required=("reason", "cardholder", "merchant", "transaction", "dispute"))
    page = [{"name": "limit", "in": "query", "allowEmptyValue": True,
             "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
            {"name": "starting_after", "in": "query", "allowEmptyValue": True,
             "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]{0,126}$"}},
            {"name": "ending_before", "in": "query", "allowEmptyValue": True,
             "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]{0,126}$"}}]
    case_ids = {"type": "array", "items": STRING}
    return document(
        title="Decisionly issuer API (dialect)",
        description=("Cases and claims in Decisionly's shapes; amounts in minor units. Unknown fields are "
                     "ignored, as Decisionly does. Every error is {\"error\": {type, code, message, param}}; "
                     "a rule of the domain a valid-looking request breaks is a 400 (409 for a conflict)."),
        server="/v2/issuer",
        paths={
            "/cases": {
                "get": {"operationId": "listCases", "summary": "Cases, newest first", "parameters": page,
                        "responses": {"200": answer("A page", obj({"has_more": {"type": "boolean"},
                                                                   "data": {"type": "array", "items": CASE}},
                                                                  required=("has_more", "data"))),
                                      **errors(ERROR_CODES, ERROR)}},
                "post": {"operationId": "createCase", "summary": "Create a case", "requestBody": json_body(create),
                         "responses": {"201": answer("The case", CASE), **errors(ERROR_CODES, ERROR)}},
            },
            "/cases/{case_id}": {
                "get": {"operationId": "retrieveCase", "parameters": [CASE_ID],
                        "responses": {"200": answer("The case", CASE), **errors(ERROR_CODES, ERROR)}},
                "put": {"operationId": "updateCase", "summary": "Merge custom fields, replace issuer evidence",
                        "parameters": [CASE_ID],
                        "requestBody": json_body(obj({
                            "custom_fields": {"type": "object", "additionalProperties": NULLABLE_STRING},
                            "issuer_evidence": {"type": "object"}, "program_id": STRING})),
                        "responses": {"200": answer("The case", CASE), **errors(ERROR_CODES, ERROR)}},
            },
            "/cases/{case_id}/file": {"post": {
                "operationId": "fileCase", "parameters": [CASE_ID],
                "requestBody": json_body(obj({"file_mode": {"type": "string", "enum": ["auto", "chargeback"]}},
                                             required=("file_mode",))),
                "responses": {"202": answer("Filed (or flagged for review)", obj({"success": {"type": "boolean"}},
                                                                                   required=("success",))),
                              **errors(ERROR_CODES, ERROR)}}},
            "/claims": {"post": {
                "operationId": "createClaim",
                "requestBody": json_body(obj({"case_ids": case_ids, "claim_id": STRING}, required=("case_ids",))),
                "responses": {"201": answer("The claim", CLAIM), **errors(ERROR_CODES, ERROR)}}},
            "/claims/{claim_id}/cases": {"put": {
                "operationId": "setClaimCases", "parameters": [CLAIM_ID],
                "requestBody": json_body(obj({"case_ids": case_ids}, required=("case_ids",))),
                "responses": {"200": answer("The claim", CLAIM), **errors(ERROR_CODES, ERROR)}}},
        },
        schemas={
            "Error": obj({"error": obj({"type": STRING, "code": STRING, "message": STRING,
                                        "param": NULLABLE_STRING}, required=("type", "code", "message"))},
                         required=("error",)),
            "Case": obj({"case_id": STRING, "claim_id": NULLABLE_STRING, "program_id": STRING, "reason": STRING,
                         "cardholder": {"type": "object", "nullable": True},
                         "merchant": {"type": "object", "nullable": True}, "transaction": {"type": "object"},
                         "dispute": {"type": "object"}, "issuer_evidence": {"type": "object"},
                         "custom_fields": {"type": "object"}, "status": STRING, "review_status": NULLABLE_STRING,
                         "created": STRING, "chargeback_due_date": NULLABLE_STRING},
                        required=("case_id", "program_id", "reason", "status", "created")),
            "Claim": obj({"claim_id": STRING, "program_id": STRING, "status": STRING,
                          "cases": {"type": "array", "items": obj({"case_id": STRING})},
                          "created": STRING, "updated": STRING}, required=("claim_id", "cases")),
        },
    )
