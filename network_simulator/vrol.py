"""The simulator's VROL-style endpoints (a JSON wire modelled on the operations Visa Resolve Online
exposes; not Visa's: see cases/gateways/vrol.py and docs/networks.md). HTTP Basic; errors are
`{"errors": [{"code", "message"}]}`; every filing is idempotent by `clientReference`."""

from __future__ import annotations

import functools

from django.http import JsonResponse
from django.utils import timezone

from cases.gateways import packaging
from cases.gateways.base import Document
from network_simulator import auth, state, wire
from network_simulator.models import SimAnswer, SimClaim, SimFiling
from network_simulator.wire import BadRequest

NETWORK = state.VISA
MAX_ATTACHMENTS = 20


def errors(status: int, message: str, code: str = "INVALID_REQUEST") -> JsonResponse:
    return JsonResponse({"errors": [{"code": code, "message": message}]}, status=status)


def _authenticate(request) -> JsonResponse | None:
    if auth.check_basic(request):
        return None
    response = errors(401, "Valid user id and password are required.", "UNAUTHORIZED")
    response["WWW-Authenticate"] = 'Basic realm="vrol"'
    return response


endpoint = wire.endpoints(errors, _authenticate)


def _case(case_number: str) -> SimClaim:
    return wire.claim_or_404(NETWORK, case_number, "Case")


def _money(body: dict, name: str) -> tuple[int, str]:
    value = body.get(name)
    if not isinstance(value, dict):
        raise BadRequest(f"{name} must be an object with value and currency.", "INVALID_FIELD")
    currency = wire.currency(value, "currency")
    return wire.minor_units(wire.text(value, "value", max_length=16), currency, f"{name}.value"), currency


def _attachments(body: dict) -> list[dict]:
    items = body.get("attachments", [])
    if not isinstance(items, list) or len(items) > MAX_ATTACHMENTS:
        raise BadRequest(f"attachments must be a list of at most {MAX_ATTACHMENTS} files.", "INVALID_FIELD")
    documents = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise BadRequest(f"attachments[{index}] must be an object.", "INVALID_FIELD")
        documents.append(Document(name=wire.text(item, "fileName", max_length=packaging.VISA.max_name),
                                  content_type=wire.text(item, "mimeType", max_length=100),
                                  content=wire.decode(item.get("content"), f"attachments[{index}].content")))
    return wire.check_documents(documents, packaging.VISA)


def _once(view):
    """Answer a repeated clientReference with the first answer, before anything else is checked."""
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        body = wire.json_body(request)
        reference = wire.text(body, "clientReference", max_length=100)
        answered = state.stored_answer(NETWORK, reference)
        if answered is not None:
            return JsonResponse(answered[0], status=answered[1])
        return view(request, body, reference, *args, **kwargs)
    return wrapper


def _answered(filing: SimFiling) -> JsonResponse:
    """The answer stored with the filing (state.Respond), or with its twin filed first."""
    return JsonResponse(filing.response, status=filing.status_code)


def _require_open(claim: SimClaim, *, filed: bool = True) -> None:
    if not state.is_open(claim, filed=filed):
        raise BadRequest(f"Case {claim.claim_id} is closed.", "CASE_CLOSED", 409)


@endpoint("POST")
def create_case(request):
    body = wire.json_body(request)
    arn = wire.text(body, "acquirerReferenceNumber", max_length=23)
    if not arn.isdigit():
        raise BadRequest("acquirerReferenceNumber is numeric.", "INVALID_FIELD")
    amount, currency = _money(body, "transactionAmount")
    claim, created = state.claim_or_existing(NETWORK, arn, amount, currency)
    return JsonResponse({"caseNumber": claim.claim_id, "status": "OPEN" if state.is_open(claim) else "CLOSED"},
                        status=201 if created else 200)


@endpoint("GET")
def case_detail(request, case_number):
    claim = _case(case_number)
    return JsonResponse({
        "caseNumber": claim.claim_id, "acquirerReferenceNumber": claim.transaction_ref,
        "status": "OPEN" if state.is_open(claim) else "CLOSED",
        "filings": [{"id": f.reference, "type": f.kind, "filedBy": "ISSUER" if f.filed_by == "I" else "ACQUIRER",
                     "clientReference": f.client_reference, "status": f.status,
                     "amount": {"value": wire.major(f.amount_minor, f.currency), "currency": f.currency} if f.currency else None}
                    for f in state.visible_filings(claim)],
    })


@endpoint("POST", filing=True)
@_once
def dispute(request, body, reference, case_number):
    claim = _case(case_number)
    amount, currency = _money(body, "disputeAmount")
    reason_code = wire.text(body, "reasonCode", max_length=5)
    questionnaire = body.get("questionnaire")
    if not isinstance(questionnaire, dict) or not questionnaire:
        raise BadRequest("questionnaire must hold the dispute questionnaire's answers.", "INVALID_FIELD")
    documents = _attachments(body)
    # Closed by the issuer? (A case the network's answer closed holds a dispute, which the filing's
    # INSERT finds: state.ChargebackOnFile.)
    _require_open(claim, filed=False)

    def respond(filing: SimFiling) -> tuple[dict, int]:
        if not filing.accepted:
            return {"status": "REJECTED", "caseNumber": claim.claim_id, "disputeId": filing.reference,
                    "errors": [{"code": "DISPUTE_REJECTED", "message": filing.reject_reason}]}, 422
        return {"status": "SUBMITTED", "caseNumber": claim.claim_id, "disputeId": filing.reference}, 201

    try:
        return _answered(state.file_chargeback(
            claim, client_reference=reference, amount_minor=amount, currency=currency, reason_code=reason_code,
            message_text=str(questionnaire.get("summary", ""))[:100], documents=documents, respond=respond))
    except state.ChargebackOnFile:
        raise BadRequest(f"Case {claim.claim_id} already holds a dispute.", "DUPLICATE_DISPUTE", 409) from None


def _escalate(request, body, reference, case_number, kind):
    claim = _case(case_number)
    amount, currency = _money(body, "amount")
    memo = wire.text(body, "memo", required=False, max_length=1000)
    documents = _attachments(body)
    _require_open(claim)
    if state.issuer_chargeback(claim) is None:
        raise BadRequest(f"Case {claim.claim_id} holds no dispute to escalate.", "NO_DISPUTE", 409)
    key = "preArbitrationId" if kind == "prearbitration" else "arbitrationId"
    return _answered(state.file_case(
        claim, kind=kind, client_reference=reference, amount_minor=amount, currency=currency,
        reason_code=state.issuer_chargeback(claim).reason_code, message_text=memo, documents=documents,
        respond=lambda case: ({"status": "SUBMITTED", "caseNumber": claim.claim_id, key: case.reference}, 201)))


@endpoint("POST", filing=True)
@_once
def prearbitration(request, body, reference, case_number):
    return _escalate(request, body, reference, case_number, "prearbitration")


@endpoint("POST", filing=True)
@_once
def arbitration(request, body, reference, case_number):
    return _escalate(request, body, reference, case_number, "arbitration")


@endpoint("POST", filing=True)
@_once
def prearbitration_response(request, body, reference, case_number, prearbitration_id):
    claim = _case(case_number)
    if wire.text(body, "action", max_length=7) != "ACCEPT":
        raise BadRequest("action is ACCEPT (decline by filing arbitration).", "INVALID_FIELD")
    case = claim.filings.filter(kind="prearbitration", filed_by="A", reference=prearbitration_id).first()
    if case is None or (case.visible_at and case.visible_at > timezone.now()):
        raise BadRequest(f"No acquirer pre-arbitration {prearbitration_id} on case {case_number}.", "NOT_FOUND", 404)
    if case.status != "OPEN":
        raise BadRequest(f"Pre-arbitration {prearbitration_id} is {case.status.lower()}.", "NOT_OPEN", 409)
    return _answered(state.accept(claim, client_reference=reference, case=case, respond=lambda _: (
        {"status": "ACCEPTED", "caseNumber": claim.claim_id, "preArbitrationId": case.reference}, 201)))


@endpoint("POST", filing=True)
@_once
def accept(request, body, reference, case_number):
    claim = _case(case_number)
    wire.text(body, "memo", required=False, max_length=1000)
    _require_open(claim)
    return _answered(state.accept(claim, client_reference=reference,
                                  respond=lambda _: ({"status": "ACCEPTED", "caseNumber": claim.claim_id}, 201)))


@endpoint("POST", filing=True)
@_once
def recall(request, body, reference, case_number):
    claim = _case(case_number)
    wire.text(body, "memo", required=False, max_length=1000)
    _require_open(claim)
    return _answered(state.withdraw(claim, client_reference=reference,
                                    respond=lambda _: ({"status": "RECALLED", "caseNumber": claim.claim_id}, 201)))


@endpoint("GET")
def submission(request, client_reference):
    filing = state.find_filing(NETWORK, client_reference)
    if filing is None or not filing.response:
        raise BadRequest(f"No submission with client reference {client_reference}.", "NOT_FOUND", 404)
    return JsonResponse({"clientReference": client_reference, "httpStatus": filing.status_code,
                         "response": filing.response})


@endpoint("GET")
def queue_names(request):
    return JsonResponse({"queues": [{"name": name, "description": text}
                                    for name, text in state.QUEUES[NETWORK].items()]})


_TYPES = {"representment": "REPRESENTMENT", "merchant_accepted": "ACCEPTED_BY_ACQUIRER",
          "ruling_issuer": "DECIDED_FOR_ISSUER", "ruling_merchant": "DECIDED_FOR_ACQUIRER",
          "prearb_received": "PRE_ARBITRATION", "prearb_response": "PRE_ARBITRATION_RESPONSE"}


def _item(answer: SimAnswer) -> dict:
    filing = answer.filing
    return {
        "itemId": answer.item_id, "caseNumber": answer.claim.claim_id, "type": _TYPES[answer.kind],
        "clientReference": filing.client_reference if filing else "", "relatedId": answer.case_reference,
        "amount": ({"value": wire.major(answer.amount_minor, answer.currency), "currency": answer.currency}
                   if answer.amount_minor is not None else None),
        "message": answer.reason, "createdAt": answer.available_at.isoformat(),
        "attachments": [{"fileName": d["name"], "mimeType": d["content_type"], "content": d["content"]}
                        for d in answer.documents],
    }


@endpoint("GET")
def queue(request, name):
    if name not in state.QUEUES[NETWORK]:
        raise BadRequest(f"Unknown queue {name}.", "QUEUE_NOT_FOUND", 404)
    try:
        limit = min(max(int(request.GET.get("limit", "500")), 1), 2000)
    except ValueError:
        raise BadRequest("limit is a number from 1 to 2000.", "INVALID_FIELD") from None
    rows = list(state.waiting(NETWORK, name)[: limit + 1])
    return JsonResponse({"queue": name, "items": [_item(a) for a in rows[:limit]], "more": len(rows) > limit})


@endpoint("POST")
def mark_read(request, name):
    if name not in state.QUEUES[NETWORK]:
        raise BadRequest(f"Unknown queue {name}.", "QUEUE_NOT_FOUND", 404)
    body = wire.json_body(request)
    ids = body.get("itemIds")
    if not isinstance(ids, list) or not ids or len(ids) > 2000 or not all(isinstance(i, str) for i in ids):
        raise BadRequest("itemIds must list 1 to 2000 item ids.", "INVALID_FIELD")
    done = state.acknowledge(NETWORK, item_ids=ids)
    return JsonResponse({"read": [i for i in ids if done.get(i)], "unknown": [i for i in ids if not done.get(i)]})
