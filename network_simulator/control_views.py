"""The sandbox controls over HTTP (control.py describes them). Errors are `{"errors": [{"code",
"message"}]}`; the server listens on loopback only, so the controls need no credentials."""

from __future__ import annotations

import base64

from django.http import JsonResponse

from network_simulator import control, state, wire
from network_simulator.wire import BadRequest

NETWORKS = (state.MASTERCARD, state.VISA)
MAX_DOCUMENTS = 10
# A padded document may reach this size: above every network's limit, to test what is refused.
MAX_PADDED_BYTES = 40 * 1024 * 1024


def _errors(status: int, message: str, code: str = "INVALID_REQUEST") -> JsonResponse:
    return JsonResponse({"errors": [{"code": code, "message": message}]}, status=status)


endpoint = wire.endpoints(_errors, lambda request: None)


def _number(body: dict, name: str, low: float, high: float, default: float | None = None) -> float:
    value = body.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise BadRequest(f"{name} is a number from {low:g} to {high:g}.", "INVALID_FIELD")
    return value


@endpoint("GET")
def control_state(request):
    return JsonResponse(control.snapshot())


@endpoint("POST")
def hold_filings(request):
    body = wire.json_body(request)
    count = int(_number(body, "count", 0, control.MAX_HOLD_COUNT, default=1))
    seconds = _number(body, "seconds", 0, control.MAX_HOLD_SECONDS)
    control.hold_filings(count, seconds)
    return JsonResponse(control.snapshot()["holds"])


def _documents(body: dict) -> list[dict]:
    items = body.get("documents", [])
    if not isinstance(items, list) or len(items) > MAX_DOCUMENTS:
        raise BadRequest(f"documents is a list of at most {MAX_DOCUMENTS} files.", "INVALID_FIELD")
    documents = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise BadRequest(f"documents[{index}] must be an object.", "INVALID_FIELD")
        content = wire.decode(item.get("content"), f"documents[{index}].content")
        pad_to = int(_number(item, "padTo", 0, MAX_PADDED_BYTES, default=0))
        if pad_to > len(content):  # a large file without a large request: the content, then spaces
            content += b" " * (pad_to - len(content))
        documents.append({"name": wire.text(item, "fileName", max_length=100),
                          "content_type": wire.text(item, "mimeType", required=False, max_length=100),
                          "content": base64.b64encode(content).decode("ascii")})
    return documents


@endpoint("POST")
def queue_items(request):
    """An acquirer's representment in the issuer's queue now: on `claimId`, or on a new claim the
    issuer never filed (`transactionRef`, `amount` and `currency` then describe it)."""
    body = wire.json_body(request)
    network = wire.text(body, "network", max_length=16)
    if network not in NETWORKS:
        raise BadRequest(f"network is one of {', '.join(NETWORKS)}.", "INVALID_FIELD")
    if wire.text(body, "kind", required=False, max_length=32) not in ("", "representment"):
        raise BadRequest("kind is representment (the only item the controls place).", "INVALID_FIELD")
    claim_id = wire.text(body, "claimId", required=False, max_length=19)
    if claim_id:
        claim = wire.claim_or_404(network, claim_id)
        currency = claim.currency
    else:
        currency = wire.currency(body, "currency")
        amount = wire.minor_units(wire.text(body, "amount", max_length=16), currency, "amount")
        reference = wire.text(body, "transactionRef", required=False, max_length=64) or state.new_id(16)
        claim, _ = state.claim_or_existing(network, reference, amount, currency)
    amount_text = wire.text(body, "representedAmount", required=False, max_length=16)
    amount = wire.minor_units(amount_text, currency, "representedAmount") if amount_text else claim.amount_minor
    reason = wire.text(body, "reason", required=False, max_length=1000) or "Representment: the merchant disputes the chargeback."
    answer = state.queue_representment(claim, amount_minor=amount, documents=_documents(body), reason=reason)
    return JsonResponse({"claimId": claim.claim_id, "itemId": answer.item_id, "queue": answer.queue}, status=201)
