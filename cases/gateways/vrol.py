"""Visa: a VROL-style JSON wire (SPEC section 12, REFERENCE.md section 8).

Visa publishes no open specification of Visa Resolve Online. This wire is **modelled, not Visa's**:
it follows the operations VROL exposes to integrators (create case, initiate dispute with the
dispute questionnaire, pre-arbitration and its response, arbitration, accept, recall; the batch
queues Awaiting Action, Incoming Pre-Arbitration and Incoming Arbitration, polled and marked as
read), in JSON, relative to `VROL_BASE_URL` (the simulator's `/vrol` by default):

- chargeback: `POST /v1/cases` (one case per ARN) -> `caseNumber`, then
  `POST /v1/cases/{caseNumber}/disputes` with the questionnaire -> `disputeId` (422 `REJECTED`);
- pre-arbitration / arbitration: `POST /v1/cases/{caseNumber}/prearbitration` / `/arbitration`;
- accept: the acquirer's pre-arbitration `POST .../prearbitration/{id}/response` `action: ACCEPT`,
  otherwise `POST /v1/cases/{caseNumber}/accept`; withdraw: `POST /v1/cases/{caseNumber}/recall`;
- lookup: `GET /v1/submissions/{clientReference}` -> the first answer (404: never received);
- queues: `GET /v1/queues/{queue}`, acknowledged by `POST /v1/queues/{queue}/read` `{itemIds}`.
docs/networks.md has the bodies.

Amounts are `{"value": "25.02", "currency": "USD"}`; attachments `{fileName, mimeType, content}`
(base64). Authentication is HTTP Basic with `VROL_USER_ID` / `VROL_PASSWORD` (Visa's APIs pair a
user id and password with two-way TLS, which a deployment adds in front).
"""

from __future__ import annotations

import base64
import binascii
import threading
from urllib.parse import quote

from django.conf import settings

from cases.gateways import packaging, register
from cases.gateways.base import Document, Filing, FilingResult, GatewayError, InboundItem
from cases.gateways.transport import JsonTransport, Reply, error_text

QUEUES = ("AwaitingAction", "IncomingPreArbitration", "IncomingArbitration")
QUEUE_LIMIT = 2000
KINDS = {"REPRESENTMENT": "representment", "ACCEPTED_BY_ACQUIRER": "merchant_accepted",
         "DECIDED_FOR_ISSUER": "ruling_issuer", "DECIDED_FOR_ACQUIRER": "ruling_merchant",
         "PRE_ARBITRATION": "prearb_received", "PRE_ARBITRATION_RESPONSE": "prearb_response"}


def money(amount_minor: int, currency: str) -> dict:
    from cases.money import to_major

    return {"value": f"{to_major(amount_minor, currency):f}", "currency": currency}


def minor(value: object) -> tuple[int | None, str]:
    from decimal import Decimal, InvalidOperation

    from cases.money import exponent, is_currency

    if not isinstance(value, dict) or not is_currency(value.get("currency")):
        return None, ""
    try:
        return int(Decimal(str(value.get("value"))).scaleb(exponent(value["currency"]))), value["currency"]
    except (InvalidOperation, ValueError, TypeError):
        return None, ""


def attachments(documents) -> list[dict]:
    return [{"fileName": d.name, "mimeType": d.content_type, "content": base64.b64encode(d.content).decode("ascii")}
            for d in documents]


def questionnaire(filing: Filing) -> dict:
    """The dispute questionnaire's answers the case holds (VROL asks them per reason code)."""
    return {"reasonCode": filing.reason_code, "disputedAmount": money(filing.amount_minor, filing.currency),
            "issuerCaseId": filing.case_id, "summary": filing.note or f"Dispute for case {filing.case_id}",
            "documentsAttached": bool(filing.documents)}


class VrolGateway:
    network = "visa"

    def __init__(self, base_url: str, timeout: float, user_id: str, password: str):
        token = base64.b64encode(f"{user_id}:{password}".encode()).decode("ascii")
        self.http = JsonTransport("VROL", base_url, timeout, headers_for=lambda *_: {"Authorization": f"Basic {token}"})

    def package(self, documents: list[Document]) -> list[Document]:
        return packaging.package(documents, packaging.VISA)

    def inspect(self, documents: list[Document]) -> packaging.Packaged:
        return packaging.inspect(documents, packaging.VISA)

    def _result(self, reply: Reply, reference_key: str, claim_id: str) -> FilingResult:
        body = reply.body if isinstance(reply.body, dict) else {}
        if reply.status in (200, 201) and body.get(reference_key, claim_id if reference_key == "caseNumber" else None):
            return FilingResult(accepted=True, network_reference=str(body.get(reference_key) or claim_id),
                                claim_id=str(body.get("caseNumber") or claim_id))
        return FilingResult(accepted=False, reason=error_text(body), claim_id=str(body.get("caseNumber") or claim_id))

    def submit(self, filing: Filing) -> FilingResult:
        claim_id = filing.claim_id
        if filing.kind == "chargeback":
            if not claim_id:
                reply = self.http.call("POST", "/v1/cases", {"acquirerReferenceNumber": filing.arn,
                                                              "transactionAmount": money(filing.amount_minor, filing.currency)})
                if reply.status not in (200, 201) or not isinstance(reply.body, dict) or not reply.body.get("caseNumber"):
                    return FilingResult(accepted=False, reason=error_text(reply.body))
                claim_id = str(reply.body["caseNumber"])
            body = {"clientReference": filing.client_reference, "reasonCode": filing.reason_code,
                    "disputeAmount": money(filing.amount_minor, filing.currency), "questionnaire": questionnaire(filing),
                    "attachments": attachments(filing.documents)}
            return self._result(self.http.call("POST", f"/v1/cases/{claim_id}/disputes", body), "disputeId", claim_id)
        if not claim_id:
            return FilingResult(accepted=False, reason="the network knows no case for this filing yet")
        common = {"clientReference": filing.client_reference, "memo": filing.note or f"Case {filing.case_id}"}
        if filing.kind in ("prearbitration", "arbitration"):
            body = {**common, "amount": money(filing.amount_minor, filing.currency),
                    "attachments": attachments(filing.documents)}
            key = "preArbitrationId" if filing.kind == "prearbitration" else "arbitrationId"
            return self._result(self.http.call("POST", f"/v1/cases/{claim_id}/{filing.kind}", body), key, claim_id)
        if filing.kind == "accept" and filing.network_case_id:
            reply = self.http.call("POST", f"/v1/cases/{claim_id}/prearbitration/{filing.network_case_id}/response",
                                   {"clientReference": filing.client_reference, "action": "ACCEPT"})
            return self._result(reply, "preArbitrationId", claim_id)
        path = "accept" if filing.kind == "accept" else "recall"
        return self._result(self.http.call("POST", f"/v1/cases/{claim_id}/{path}", common), "caseNumber", claim_id)

    def lookup(self, filing: Filing) -> FilingResult | None:
        reply = self.http.call("GET", f"/v1/submissions/{quote(filing.client_reference, safe='')}")
        if reply.status == 404:
            return None
        if reply.status != 200 or not isinstance(reply.body, dict):
            raise GatewayError(f"VROL lookup answered HTTP {reply.status}")
        first = reply.body.get("response") or {}
        status = int(reply.body.get("httpStatus") or 0)
        key = {"chargeback": "disputeId", "prearbitration": "preArbitrationId",
               "arbitration": "arbitrationId"}.get(filing.kind, "preArbitrationId" if filing.network_case_id else "caseNumber")
        return self._result(Reply(status, first), key, filing.claim_id)

    def read_queues(self) -> list[InboundItem]:
        items = []
        for queue in QUEUES:
            reply = self.http.call("GET", f"/v1/queues/{queue}", params={"limit": QUEUE_LIMIT})
            if reply.status != 200 or not isinstance(reply.body, dict):
                raise GatewayError(f"VROL queue {queue}: {error_text(reply.body)}")
            for raw in reply.body.get("items") or []:
                item = self._item(queue, raw)
                if item is not None:
                    items.append(item)
        return items

    @staticmethod
    def _item(queue: str, raw: object) -> InboundItem | None:
        if not isinstance(raw, dict) or not raw.get("itemId") or raw.get("type") not in KINDS:
            return None
        amount, currency = minor(raw.get("amount"))
        documents = []
        for attachment in raw.get("attachments") or []:
            try:
                content = base64.b64decode(attachment.get("content") or "", validate=True)
            except (binascii.Error, ValueError, AttributeError):
                raise GatewayError("VROL sent an attachment that is not base64") from None
            kind = packaging.detect(content)
            documents.append(Document(name=str(attachment.get("fileName") or "document"),
                                      content_type=kind[0] if kind else "application/octet-stream", content=content))
        kind = KINDS[raw["type"]]
        return InboundItem(
            message_id=str(raw["itemId"]), queue=queue, kind=kind, claim_id=str(raw.get("caseNumber") or ""),
            client_reference=str(raw.get("clientReference") or ""),
            network_case_id=str(raw.get("relatedId") or "") if kind != "representment" else "",
            amount_minor=amount, currency=currency, reason=str(raw.get("message") or ""), documents=tuple(documents),
            raw={k: v for k, v in raw.items() if k != "attachments"})

    def acknowledge(self, items: list[InboundItem]) -> None:
        by_queue: dict[str, list[str]] = {}
        for item in items:
            by_queue.setdefault(item.queue, []).append(item.message_id)
        for queue, ids in by_queue.items():
            for start in range(0, len(ids), QUEUE_LIMIT):
                reply = self.http.call("POST", f"/v1/queues/{queue}/read", {"itemIds": ids[start:start + QUEUE_LIMIT]})
                if reply.status != 200:
                    raise GatewayError(f"VROL mark as read: {error_text(reply.body)}")


_cache: dict[tuple, VrolGateway] = {}
_cache_lock = threading.Lock()


@register("visa")
def vrol_gateway() -> VrolGateway:
    key = (settings.VROL_BASE_URL, settings.NETWORK_HTTP_TIMEOUT, settings.VROL_USER_ID, settings.VROL_PASSWORD)
    with _cache_lock:
        if key not in _cache:
            _cache[key] = VrolGateway(settings.VROL_BASE_URL, settings.NETWORK_HTTP_TIMEOUT, settings.VROL_USER_ID,
                                      settings.VROL_PASSWORD)
        return _cache[key]
