"""The simulator's Mastercom v6 endpoints (the paths and models of the public Mastercom client
docs; see cases/gateways/mastercom.py). Every request must carry a valid Mastercard OAuth 1.0a
signature; errors are Mastercom's `Errors` model."""

from __future__ import annotations

import uuid

from django.http import JsonResponse
from django.utils import timezone

from cases.gateways import packaging
from network_simulator import auth, state, wire
from network_simulator.models import SimAnswer, SimClaim, SimFiling
from network_simulator.wire import BadRequest

NETWORK = state.MASTERCARD
PAGE_SIZE = 2000


def error_body(description: str, reason_code: str = "INVALID_REQUEST", source: str = "Mastercom",
               details: list | None = None) -> dict:
    return {"errors": [{"requestId": uuid.uuid4().hex, "source": source, "reasonCode": reason_code,
                        "description": description, "recoverable": False, "details": details or []}]}


def errors(status: int, description: str, reason_code: str = "INVALID_REQUEST", details: list | None = None):
    return JsonResponse(error_body(description, reason_code, details=details), status=status)


def _authenticate(request) -> JsonResponse | None:
    refused = auth.check_mastercard(request)
    if refused is None:
        return None
    # Mastercard's API gateway shape for authentication failures.
    return JsonResponse({"Errors": {"Error": [{"Source": "OAuth", "ReasonCode": refused.reason.upper(),
                                               "Description": refused.message, "Recoverable": False}]}},
                        status=401)


endpoint = wire.endpoints(errors, _authenticate)


def _claim(claim_id: str) -> SimClaim:
    return wire.claim_or_404(NETWORK, claim_id, "Claim")


def _client_reference(message_text: str) -> str:
    first = message_text.split(" ")[0] if message_text else ""
    return first if first.startswith("REF") and len(first) > 3 else ""


# --- claims ----------------------------------------------------------------------------------------

@endpoint("POST")
def claims(request):
    body = wire.json_body(request)
    currency = wire.currency(body, "disputedCurrency")
    amount = wire.minor_units(wire.text(body, "disputedAmount", max_length=16), currency, "disputedAmount")
    if wire.text(body, "claimType", max_length=8) != "Standard":
        raise BadRequest("claimType must be Standard.", "INVALID_FIELD")
    transaction = wire.text(body, "clearingTransactionId", max_length=64)
    claim, created = state.claim_or_existing(NETWORK, transaction, amount, currency)
    if not created:
        return errors(400, f"A claim already exists for this transaction: {claim.claim_id}.", "DUPLICATE_CLAIM",
                      details=[{"name": "claimId", "value": claim.claim_id}])
    return JsonResponse({"claimId": claim.claim_id})


def _chargeback_json(filing: SimFiling, claim: SimClaim) -> dict:
    return {
        "chargebackId": filing.reference, "claimId": claim.claim_id, "currency": filing.currency,
        "amount": wire.major(filing.amount_minor, filing.currency),
        "reasonCode": filing.reason_code, "messageText": filing.message_text,
        "documentIndicator": "true" if filing.documents else "false", "isPartialChargeback": False,
        "chargebackType": "CHARGEBACK" if filing.kind == "chargeback" else "SECOND_PRESENTMENT",
        "chargebackRefNum": filing.ref_num, "reversed": filing.status == "REVERSED", "reversal": False,
        "rejectReason": filing.reject_reason, "createDate": filing.created_at.date().isoformat(),
        "documentStatus": "COMPLETED" if filing.documents else "UNAVAILABLE",
    }


def _case_lifecycle(claim: SimClaim, visible: list[SimFiling], answers: list[SimAnswer]) -> dict | None:
    cases = [f for f in visible if f.kind in ("prearbitration", "arbitration") and f.accepted]
    if not cases:
        return None
    case = cases[-1]
    answer = next((a for a in answers if a.filing_id == case.pk), None)
    status, ruling, history = case.status, "", []
    if case.filed_by == "I" and status == "OPEN" and answer is not None:
        if case.kind == "arbitration":
            status = "RULED"
            ruling = "Favor Sender" if answer.kind == "ruling_issuer" else "Favor Receiver"
        else:
            status = "ACCEPTED" if answer.kind == "merchant_accepted" else "REJECTED"
            history.append({"action": "ACCEPT" if status == "ACCEPTED" else "REJECT", "memo": answer.reason[:100],
                            "responseDate": answer.available_at.date().isoformat()})
    return {
        "caseFilingStatus": status,
        "caseFilingDetails": {
            "claimId": claim.claim_id, "claimType": "Standard", "caseId": case.reference,
            "caseType": "1" if case.kind == "prearbitration" else "2",
            "currencyCode": case.currency, "customerFilingNumber": case.customer_number,
            "reasonCode": case.reason_code, "filingAs": case.filed_by,
            "disputeAmount": wire.major(case.amount_minor, case.currency),
            "filingIca": "1234" if case.filed_by == "I" else claim.acquirer_id,
            "filingAgaintstIca": claim.acquirer_id if case.filed_by == "I" else "1234",
            "rulingStatus": ruling, "rulingDate": answer.available_at.date().isoformat() if ruling else "",
        },
        "caseFilingRespHistory": history,
    }


def claim_detail_json(claim: SimClaim) -> dict:
    """ClaimDetail from two queries: the claim's filings and its answers already due."""
    now = timezone.now()
    # A claim holds a handful of rows: they are put in order here rather than by the queries.
    filings = sorted(claim.filings.all(), key=lambda f: (f.created_at, f.pk))
    visible = [f for f in filings if f.visible_at is None or f.visible_at <= now]
    answers = sorted(claim.answers.filter(available_at__lte=now), key=lambda a: (a.available_at, a.pk))
    is_open = not claim.closed_by and not any(a.closes_claim for a in answers)
    last = max([claim.updated_at, *[a.available_at for a in answers]])
    return {
        "claimId": claim.claim_id, "claimType": "Standard", "acquirerId": claim.acquirer_id,
        "acquirerRefNum": claim.transaction_ref, "claimValue": wire.major(claim.amount_minor, claim.currency),
        "isOpen": "true" if is_open else "false", "isIssuer": "true", "isAcquirer": "false",
        "issuerId": "1234", "merchantId": f"MERCHANT{claim.acquirer_id}", "createDate": claim.created_at.date().isoformat(),
        "lastModifiedDate": last.isoformat(), "clearingNetwork": "GCMS",
        "chargebackDetails": [_chargeback_json(f, claim) for f in visible if f.kind in ("chargeback", "second_presentment")],
        "caseFilingDetails": _case_lifecycle(claim, visible, answers),
    }


@endpoint("GET", "PUT")
def claim(request, claim_id):
    claim = _claim(claim_id)
    if request.method == "GET":
        return JsonResponse(claim_detail_json(claim))
    body = wire.json_body(request)
    action = wire.text(body, "action", max_length=6)
    if action != "CLOSE":
        raise BadRequest("The simulator supports action CLOSE only.", "INVALID_FIELD")
    if state.is_open(claim):
        state.accept(claim, client_reference="")
    return JsonResponse({"claimId": claim.claim_id})


# --- chargebacks ----------------------------------------------------------------------------------

@endpoint("POST", filing=True)
def chargebacks(request, claim_id):
    claim = _claim(claim_id)
    body = wire.json_body(request)
    currency = wire.currency(body, "currency")
    amount = wire.minor_units(wire.text(body, "amount", max_length=16), currency, "amount")
    reason_code = wire.text(body, "reasonCode", max_length=4)
    if wire.text(body, "chargebackType", max_length=18) != "CHARGEBACK":
        raise BadRequest("Issuers file chargebackType CHARGEBACK.", "INVALID_FIELD")
    if wire.text(body, "documentIndicator", max_length=5) not in ("true", "false"):
        raise BadRequest("documentIndicator must be true or false.", "INVALID_FIELD")
    message = wire.text(body, "messageText", required=False, max_length=100)
    reference = _client_reference(message)
    answered = state.stored_answer(NETWORK, reference)
    if answered is not None:
        return JsonResponse(answered[0], status=answered[1])
    documents = wire.check_documents(wire.mastercom_attachment(body.get("fileAttachment")), packaging.MASTERCARD)
    # Closed by the issuer? (Closed by an answer of the network, the claim holds a chargeback, which
    # the filing's INSERT finds: state.ChargebackOnFile.)
    if not state.is_open(claim, filed=False):
        raise BadRequest(f"Claim {claim.claim_id} is closed.", "CLAIM_CLOSED")

    def respond(filing: SimFiling) -> tuple[dict, int]:
        if filing.accepted:
            return {"chargebackId": filing.reference}, 200
        return error_body(filing.reject_reason, "CHARGEBACK_REJECTED",
                          details=[{"name": "chargebackId", "value": filing.reference}]), 400

    try:
        filing = state.file_chargeback(claim, client_reference=reference, amount_minor=amount, currency=currency,
                                       reason_code=reason_code, message_text=message, documents=documents,
                                       respond=respond)
    except state.ChargebackOnFile:
        raise BadRequest(f"Claim {claim.claim_id} already holds a first chargeback.", "DUPLICATE_CHARGEBACK") from None
    return JsonResponse(filing.response, status=filing.status_code)


@endpoint("POST")
def reversal(request, claim_id, chargeback_id):
    claim = _claim(claim_id)
    chargeback = claim.filings.filter(kind="chargeback", reference=chargeback_id).first()
    if chargeback is None:
        raise BadRequest(f"Chargeback {chargeback_id} was not found on claim {claim_id}.", "CHARGEBACK_NOT_FOUND", 404)
    if chargeback.status != "REVERSED":
        state.withdraw(claim, client_reference="")
    return JsonResponse({"chargebackId": chargeback.reference})


@endpoint("GET")
def chargeback_documents(request, claim_id, chargeback_id):
    answer = state.unique_row(SimAnswer.objects.filter(network=NETWORK, claim__claim_id=claim_id,
                                                       item_id=chargeback_id, available_at__lte=timezone.now()))
    if answer is None or not answer.documents:
        _claim(claim_id)  # an unknown claim is named as such
        raise BadRequest("No documents for this chargeback.", "DOCUMENT_NOT_FOUND", 404)
    return JsonResponse({"fileAttachment": {"filename": f"{chargeback_id}.zip", "file": wire.zipped(answer.documents)}})


@endpoint("PUT")
def acknowledge(request):
    body = wire.json_body(request)
    entries = body.get("chargebackList")
    if not isinstance(entries, list) or not entries or len(entries) > 2000:
        raise BadRequest("chargebackList must list 1 to 2000 chargebacks.", "INVALID_FIELD")
    pairs = []
    for entry in entries:
        if not isinstance(entry, dict):
            raise BadRequest("Each chargebackList entry is an object.", "INVALID_FIELD")
        pairs.append((wire.text(entry, "claimId", max_length=19), wire.text(entry, "chargebackId", max_length=19)))
    done = state.acknowledge(NETWORK, claim_and_ack=pairs)
    return JsonResponse({"chargebackResponseList": [
        {"chargebackId": cb, "status": "SUCCESS" if done.get(cb) else "FAILURE",
         "failureReason": "" if done.get(cb) else "No such chargeback waiting in a queue."} for _, cb in pairs]})


# --- case filing ----------------------------------------------------------------------------------

@endpoint("POST", filing=True)
def cases(request):
    body = wire.json_body(request)
    case_type = wire.text(body, "caseType", max_length=1)
    if case_type not in ("1", "2"):
        raise BadRequest("The simulator files caseType 1 (pre-arbitration) or 2 (arbitration).", "INVALID_FIELD")
    if wire.text(body, "filingAs", max_length=1) != "I":
        raise BadRequest("filingAs must be I.", "INVALID_FIELD")
    refs = body.get("chargebackRefNum")
    if not isinstance(refs, list) or len(refs) != 1 or not isinstance(refs[0], str):
        raise BadRequest("chargebackRefNum must hold the one chargeback the case is about.", "INVALID_FIELD")
    chargeback = SimFiling.objects.filter(network=NETWORK, kind="chargeback", ref_num=refs[0]).select_related("claim").first()
    if chargeback is None:
        raise BadRequest(f"No chargeback with reference number {refs[0]}.", "CHARGEBACK_NOT_FOUND", 404)
    currency = wire.currency(body, "currencyCode")
    amount = wire.minor_units(wire.text(body, "disputeAmount", max_length=16), currency, "disputeAmount")
    for name in ("filingIca", "filedAgainstIca", "memo", "chargebackReasonCode", "merchantName"):
        wire.text(body, name, max_length=13000)
    number = wire.text(body, "customerFilingNumber", required=False, max_length=15)
    if number and not number.isdigit():
        raise BadRequest("customerFilingNumber is numeric.", "INVALID_FIELD")
    message = wire.text(body, "messageText", required=False, max_length=100)
    kind = "prearbitration" if case_type == "1" else "arbitration"
    claim = chargeback.claim
    same = claim.filings.filter(kind=kind, customer_number=number).first() if number else None
    if same is not None:
        return JsonResponse({"caseId": same.reference})
    if not state.is_open(claim):
        raise BadRequest(f"Claim {claim.claim_id} is closed.", "CLAIM_CLOSED")
    documents = wire.check_documents(wire.mastercom_attachment(body.get("fileAttachment")), packaging.MASTERCARD)
    case = state.file_case(claim, kind=kind, client_reference="", customer_number=number, amount_minor=amount,
                           currency=currency, reason_code=wire.text(body, "chargebackReasonCode", max_length=4),
                           message_text=message, documents=documents)
    return JsonResponse({"caseId": case.reference})


@endpoint("PUT")
def case_status(request):
    body = wire.json_body(request)
    entries = body.get("caseFilingList")
    if not isinstance(entries, list) or not entries or len(entries) > 2000:
        raise BadRequest("caseFilingList must list 1 to 2000 cases.", "INVALID_FIELD")
    out = []
    for entry in entries:
        case_id = wire.text(entry if isinstance(entry, dict) else {}, "caseId", max_length=19)
        case = SimFiling.objects.filter(network=NETWORK, reference=case_id,
                                        kind__in=("prearbitration", "arbitration")).first()
        if case is None:
            out.append({"caseId": case_id, "status": "UNAVAILABLE"})
            continue
        party = "SND" if case.filed_by == "I" else "REC"
        stamp = case.created_at.strftime("%m/%d/%Y %I:%M:%S %p")
        out.append({"caseId": case_id, "status": f"COMPLETED_{party}_{stamp}" if case.documents else "UNAVAILABLE"})
    return JsonResponse({"caseFilingResponseList": out})


@endpoint("PUT")
def case(request, case_id):
    body = wire.json_body(request)
    action = wire.text(body, "action", max_length=8)
    filing = SimFiling.objects.filter(network=NETWORK, reference=case_id,
                                      kind__in=("prearbitration", "arbitration")).select_related("claim").first()
    if filing is None:
        raise BadRequest(f"Case {case_id} was not found.", "CASE_NOT_FOUND", 404)
    if action == "ACCEPT":
        if filing.filed_by != "A":
            raise BadRequest("Only the receiver accepts a case.", "INVALID_ACTION")
        if filing.status == "OPEN":
            state.accept(filing.claim, client_reference="", case=filing)
    elif action == "WITHDRAW":
        if filing.filed_by != "I":
            raise BadRequest("Only the sender withdraws a case.", "INVALID_ACTION")
        if filing.status == "OPEN":
            state.withdraw(filing.claim, client_reference="")
    else:
        raise BadRequest("The simulator supports ACCEPT and WITHDRAW.", "INVALID_FIELD")
    return JsonResponse({"caseId": case_id})


@endpoint("GET")
def case_documents(request, case_id):
    answer = SimAnswer.objects.filter(network=NETWORK, case_reference=case_id, available_at__lte=timezone.now()).exclude(
        documents=[]).first()
    if answer is None:
        raise BadRequest("No documents for this case.", "DOCUMENT_NOT_FOUND", 404)
    return JsonResponse({"fileAttachment": {"filename": f"{case_id}.zip", "file": wire.zipped(answer.documents)}})


# --- queues -----------------------------------------------------------------------------------------

@endpoint("GET")
def queue_names(request):
    return JsonResponse([{"queueName": name, "queueDescription": text}
                         for name, text in state.QUEUES[NETWORK].items()], safe=False)


def _summary(answer: SimAnswer) -> dict:
    claim = answer.claim
    return {
        "claimId": claim.claim_id, "claimType": "Standard", "acquirerId": claim.acquirer_id,
        "acquirerRefNum": claim.transaction_ref, "queueName": answer.queue, "progressState": answer.progress_state,
        "claimValue": wire.major(claim.amount_minor, claim.currency),
        "isOpen": not answer.closes_claim and not claim.closed_by, "isIssuer": True, "isAcquirer": False,
        "issuerId": "1234", "createDate": claim.created_at.date().isoformat(),
        "lastModifiedDate": answer.available_at.strftime("%Y-%m-%dT%H:%M"),
    }


@endpoint("POST")
def queues(request):
    body = wire.json_body(request)
    name = wire.text(body, "queueName", max_length=30)
    if name not in state.QUEUES[NETWORK]:
        raise BadRequest(f"Unknown queue {name}.", "QUEUE_NOT_FOUND", 404)
    page_text = wire.text(body, "pageNb", required=False, max_length=3) or "1"
    if not page_text.isdigit() or int(page_text) < 1:
        raise BadRequest("pageNb is a page number from 1.", "INVALID_FIELD")
    page = int(page_text)
    if name == "Worked":
        rows = SimAnswer.objects.filter(network=NETWORK, acknowledged_at__isnull=False).select_related("claim")
    else:
        rows = state.waiting(NETWORK, name)
    total = rows.count()
    chunk = list(rows[(page - 1) * PAGE_SIZE: page * PAGE_SIZE])
    return JsonResponse({"pageCount": str(max(1, -(-total // PAGE_SIZE))), "claimList": [_summary(a) for a in chunk]})
