"""The Tutelar dialect's OpenAPI document (GET /api/v1/dispute/openapi.json).

Create, view, update, move level and the merchant's verdicts, with Tutelar's envelope
`{success, code, message, data}` on every answer (errors: success false, code 300, data {}).
As the original, an unknown dispute is a 422 ("No data found") and an unknown path or method a 404.
"""

from providers.openapi import answer, document, errors, json_body, obj

STRING = {"type": "string"}
ERROR = {"$ref": "#/components/schemas/Failure"}
ERROR_CODES = (401, 404, 413, 422, 429)
DISPUTE_ID = {"name": "dispute_id", "in": "path", "required": True, "schema": {"type": "string", "pattern": "^[^/]+$"}}
AMOUNT = {"oneOf": [{"type": "number"}, {"type": "string"}], "description": "Major units, e.g. 100 or \"100.50\"."}
FEES = obj({"type": {"type": "string", "enum": ["include", "exclude"]},
            "amountType": {"type": "string", "enum": ["price", "percentage"]}, "amount": AMOUNT})


def _envelope(data: dict) -> dict:
    return obj({"success": {"type": "boolean"}, "code": {"type": "integer"}, "message": STRING, "data": data},
               required=("success", "code", "message", "data"))


def build() -> dict:
    body = obj({
        "transactionDetails": obj({"id": STRING, "customerName": STRING, "customerEmail": STRING,
                                   "customerMobile": STRING, "amount": AMOUNT, "transactionDate": STRING}),
        "merchantDetails": obj({"id": STRING, "name": STRING, "businessName": STRING, "chargebackEmail": STRING,
                                "mobile": STRING}),
        "disputeAmount": AMOUNT, "disputeAmountTdrDetails": FEES, "disputeAmountTaxDetails": FEES,
        "disputeType": STRING, "internalDueDate": STRING, "dueDate": STRING, "level": STRING,
        "paymentType": STRING, "acquirerBankCode": STRING, "remitterBank": STRING, "reasonCode": STRING,
        "nodalAccountNo": STRING, "gatewayOrderId": STRING, "paymentInstrumentId": STRING, "comments": STRING,
    })
    created = _envelope(obj({"disputeId": STRING}, required=("disputeId",)))
    verdict = _envelope(obj({"disputeId": STRING, "status": STRING, "verdict": STRING}))
    put_verdict = {"parameters": [DISPUTE_ID], "responses": {"200": answer("The verdict", verdict),
                                                            **errors(ERROR_CODES, ERROR)}}
    return document(
        title="Tutelar disputes API (dialect)",
        description=("Disputes in Tutelar's shape: amounts in major units, dates as DD-MM-YYYY. Every answer "
                     "is {success, code, message, data}; an error has success false, code 300 and data {}, "
                     "with the HTTP status 401, 404, 413, 422 or 429. A rule of the domain a valid-looking "
                     "request breaks, and an unknown dispute, are a 422 as in the original."),
        server="/api/v1/dispute",
        paths={
            "/create": {"post": {"operationId": "createDispute", "requestBody": json_body(body),
                                 "responses": {"201": answer("Raised", created), **errors(ERROR_CODES, ERROR)}}},
            "/view/{dispute_id}": {"get": {
                "operationId": "viewDispute", "parameters": [DISPUTE_ID],
                "responses": {"200": answer("The dispute", _envelope({"type": "object"})),
                              **errors(ERROR_CODES, ERROR)}}},
            "/update/{dispute_id}": {"patch": {
                "operationId": "updateDispute", "parameters": [DISPUTE_ID], "requestBody": json_body(body),
                "responses": {"200": answer("Updated", created), **errors(ERROR_CODES, ERROR)}}},
            "/move-level/{dispute_id}": {"put": {
                "operationId": "moveLevel", "parameters": [DISPUTE_ID],
                "requestBody": json_body(obj({"level": STRING, "dueDate": STRING, "comments": STRING},
                                             required=("level", "dueDate", "comments"))),
                "responses": {"200": answer("Moved", _envelope(obj({"disputeId": STRING, "level": STRING}))),
                              **errors(ERROR_CODES, ERROR)}}},
            "/merchant-won/{dispute_id}": {"put": {"operationId": "merchantWon", **put_verdict}},
            "/merchant-loss/{dispute_id}": {"put": {"operationId": "merchantLoss", **put_verdict}},
        },
        schemas={"Failure": obj({"success": {"type": "boolean", "enum": [False]}, "code": {"type": "integer"},
                                 "message": STRING, "data": {"type": "object"}},
                                required=("success", "code", "message", "data"))},
    )
