"""Mastercard: the Mastercom v6 wire (SPEC section 12, REFERENCE.md section 8).

Paths, bodies and field names are Mastercom's, as documented by the public generated client
(`juanbianchinibp4/mastercom-api-client`, folder `docs/`), relative to the base URL
(`https://api.mastercard.com/mastercom`, its sandbox host, or the simulator's `/mastercom`):

| operation | request |
|---|---|
| open the claim | `POST /v6/claims` CreateClaimRequest (a duplicate answers with the existing claim id) |
| read a claim | `GET /v6/claims/{claim-id}` -> ClaimDetail |
| file the chargeback | `POST /v6/claims/{claim-id}/chargebacks` CreateChargebackRequest |
| withdraw a chargeback | `POST /v6/claims/{claim-id}/chargebacks/{chargeback-id}/reversal` |
| accept (close the claim) | `PUT /v6/claims/{claim-id}` UpdateClaimRequest `action: CLOSE` |
| pre-arbitration, arbitration | `POST /v6/cases` CreateCaseRequest `caseType` 1 or 2 |
| accept / withdraw a case | `PUT /v6/cases/{case-id}` UpdateCaseRequest `ACCEPT` / `WITHDRAW` |
| queues | `GET /v6/queues/names`, `POST /v6/queues` GetQueueContentRequest (2,000 claims a page) |
| documents | `GET /v6/claims/{claim-id}/chargebacks/{chargeback-id}/documents`, `GET /v6/cases/{case-id}/documents` |
| acknowledge | `PUT /v6/chargebacks/acknowledge` ChargebackMarkProcessedRequest (100 a request) |

Every request is signed with Mastercard's OAuth 1.0a (RSA-SHA256, body hash) by
`mastercard-oauth1-signer`, with the program's key (keys.py).

Choices where Mastercom's client documentation is silent (docs/networks.md):
- The issuer's client reference travels in the chargeback's `messageText` as its first word
  (`REF` and the reference's letters and digits) and, for cases, as the numeric
  `customerFilingNumber` (15 digits drawn from the reference); `lookup` reads them back from
  `GET /v6/claims/{claim-id}`.
- The claim is opened on the transaction's ARN as `clearingTransactionId`.
- Several documents go as one ZIP `fileAttachment` (`evidence.zip`), as Mastercom allows.
- The queue item's kind comes from the claim detail (second presentment; case filing status, filer
  and ruling) and from the summary's `progressState` for closed claims.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import re
import threading
import zipfile
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

from django.conf import settings
from oauth1.oauth import OAuth

from cases.gateways import keys, packaging, register
from cases.gateways.base import Document, Filing, FilingResult, GatewayError, InboundItem
from cases.gateways.transport import JsonTransport, Reply, error_text

READ_QUEUES = ("Unworked", "CaseFiling")
PAGE_LIMIT = 50  # pages of 2,000 claims read per queue in one poll
ACK_BATCH = 100  # Mastercom: "100 acknowledgments or fewer in a single request"
DETAIL_THREADS = 16
READ_PART = 500  # claims read (detail, documents) before the poll stores them


def amount_text(amount_minor: int, currency: str) -> str:
    from cases.money import to_major

    return f"{to_major(amount_minor, currency):f}"


def amount_minor(text: object, currency: str) -> int | None:
    from cases.money import exponent

    try:
        return int(Decimal(str(text)).scaleb(exponent(currency)))
    except (ArithmeticError, ValueError, TypeError):
        return None


def reference_token(client_reference: str) -> str:
    """`REF` and the reference's letters and digits (a SHA-256 digest when that is long)."""
    plain = re.sub(r"[^A-Za-z0-9]", "", client_reference)
    if len(plain) > 40:
        plain = hashlib.sha256(client_reference.encode("utf-8")).hexdigest()[:32]
    return f"REF{plain}"


def message_text(filing: Filing) -> str:
    note = re.sub(r"[^A-Za-z0-9 ]", " ", filing.note or "")
    return re.sub(r"\s+", " ", f"{reference_token(filing.client_reference)} {note}").strip()[:100]


def customer_filing_number(client_reference: str) -> str:
    """Mastercom's customerFilingNumber: numeric, at most 15 digits."""
    if client_reference.isdigit() and len(client_reference) <= 15:
        return client_reference
    return f"{int(hashlib.sha256(client_reference.encode('utf-8')).hexdigest(), 16) % 10**15:015d}"


def attachment(documents: tuple[Document, ...]) -> dict | None:
    """DocumentStructure: one file, or a ZIP of several (JPEG, TIFF and PDF inside)."""
    if not documents:
        return None
    if len(documents) == 1:
        return {"filename": documents[0].name, "file": base64.b64encode(documents[0].content).decode("ascii")}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for document in documents:
            archive.writestr(document.name, document.content)
    return {"filename": "evidence.zip", "file": base64.b64encode(buffer.getvalue()).decode("ascii")}


def documents_of(body: object) -> tuple[Document, ...]:
    """The files of a DocumentResponseStructure (a ZIP, or a single file)."""
    if not isinstance(body, dict) or not isinstance(body.get("fileAttachment"), dict):
        return ()
    data = body["fileAttachment"]
    try:
        content = base64.b64decode(data.get("file") or "", validate=True)
    except (binascii.Error, ValueError):
        raise GatewayError("Mastercom sent a document that is not base64") from None
    if not content:
        return ()
    if content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                return tuple(Document(name=info.filename.rsplit("/", 1)[-1], content_type=_content_type(raw),
                                      content=raw)
                             for info in archive.infolist() if not info.is_dir()
                             for raw in [archive.read(info)])
        except (zipfile.BadZipFile, OSError):
            raise GatewayError("Mastercom sent a ZIP that cannot be read") from None
    return (Document(name=str(data.get("filename") or "document"), content_type=_content_type(content),
                     content=content),)


def _content_type(content: bytes) -> str:
    kind = packaging.detect(content)
    return kind[0] if kind else "application/octet-stream"


def _truthy(value: object) -> bool:
    return value is True or str(value).lower() == "true"


class MastercomGateway:
    network = "mastercard"

    def __init__(self, base_url: str, timeout: float):
        self.http = JsonTransport("Mastercom", base_url, timeout)
        self._credentials: dict[str, keys.Credentials] = {}
        self._lock = threading.Lock()

    # --- signing ------------------------------------------------------------------------------

    def _creds(self, program: str | None) -> keys.Credentials:
        key = program or ""
        with self._lock:
            if key not in self._credentials:
                try:
                    self._credentials[key] = keys.credentials_for(program) if program else keys.default_credentials()
                except keys.SigningKeyError as exc:
                    raise GatewayError(str(exc)) from None
            return self._credentials[key]

    def _call(self, method: str, path: str, body: object = None, *, program: str | None = None,
              params: dict | None = None) -> Reply:
        credentials = self._creds(program)

        def sign(method_: str, url: str, text: str) -> dict:
            return {"Authorization": OAuth.get_authorization_header(url, method_, text, credentials.consumer_key,
                                                                    credentials.private_key)}

        return self.http.call(method, path, body, params=params, headers_for=sign)

    # --- claims -------------------------------------------------------------------------------

    def _open_claim(self, filing: Filing) -> tuple[str, bool]:
        """(claim id, created). A claim that already exists comes back in the duplicate error."""
        reply = self._call("POST", "/v6/claims", {
            "disputedAmount": amount_text(filing.amount_minor, filing.currency),
            "disputedCurrency": filing.currency, "claimType": "Standard", "clearingTransactionId": filing.arn,
        }, program=filing.program)
        if reply.status == 200 and isinstance(reply.body, dict) and reply.body.get("claimId"):
            return str(reply.body["claimId"]), True
        existing = _detail_value(reply.body, "claimId")
        if existing:
            return existing, False
        raise _Refused(error_text(reply.body))

    def claim(self, claim_id: str, program: str | None = None) -> dict:
        reply = self._call("GET", f"/v6/claims/{claim_id}", program=program)
        if reply.status != 200 or not isinstance(reply.body, dict):
            raise _Refused(f"claim {claim_id}: {error_text(reply.body)}")
        return reply.body

    # --- the protocol -------------------------------------------------------------------------

    def package(self, documents: list[Document]) -> list[Document]:
        return packaging.package(documents, packaging.MASTERCARD)

    def inspect(self, documents: list[Document]) -> packaging.Packaged:
        """`package` with its warnings (above 14.5 MB, resampled images) and renamings."""
        return packaging.inspect(documents, packaging.MASTERCARD)

    def submit(self, filing: Filing) -> FilingResult:
        try:
            return getattr(self, f"_submit_{filing.kind}")(filing)
        except _Refused as refused:
            return FilingResult(accepted=False, reason=refused.reason, claim_id=refused.claim_id or filing.claim_id)

    def _submit_chargeback(self, filing: Filing) -> FilingResult:
        claim_id = filing.claim_id or self._open_claim(filing)[0]
        body = {
            "amount": amount_text(filing.amount_minor, filing.currency), "currency": filing.currency,
            "reasonCode": filing.reason_code, "chargebackType": "CHARGEBACK",
            "documentIndicator": "true" if filing.documents else "false", "messageText": message_text(filing),
        }
        if filing.documents:
            body["fileAttachment"] = attachment(filing.documents)
        reply = self._call("POST", f"/v6/claims/{claim_id}/chargebacks", body, program=filing.program)
        if reply.status == 200 and isinstance(reply.body, dict) and reply.body.get("chargebackId"):
            return FilingResult(accepted=True, network_reference=str(reply.body["chargebackId"]), claim_id=claim_id)
        raise _Refused(error_text(reply.body), claim_id)

    def _case(self, filing: Filing, case_type: str) -> FilingResult:
        if not filing.claim_id:
            raise _Refused("the network knows no claim for this case yet")
        detail = self.claim(filing.claim_id, filing.program)
        chargeback = _issuer_chargeback(detail)
        if chargeback is None:
            raise _Refused("the claim holds no chargeback of the issuer", filing.claim_id)
        body = {
            "caseType": case_type, "chargebackRefNum": [str(chargeback.get("chargebackRefNum", ""))],
            "customerFilingNumber": customer_filing_number(filing.client_reference),
            "disputeAmount": amount_text(filing.amount_minor, filing.currency), "currencyCode": filing.currency,
            "filedAgainstIca": str(detail.get("acquirerId") or ""), "filingAs": "I",
            "filingIca": settings.MASTERCOM_ICA,
            "memo": (filing.note or f"Case {filing.case_id}")[:13000],
            "messageText": message_text(filing), "chargebackReasonCode": filing.reason_code,
            "merchantName": str(detail.get("merchantId") or "Merchant")[:100],
        }
        if filing.documents:
            body["fileAttachment"] = attachment(filing.documents)
        reply = self._call("POST", "/v6/cases", body, program=filing.program)
        if reply.status == 200 and isinstance(reply.body, dict) and reply.body.get("caseId"):
            return FilingResult(accepted=True, network_reference=str(reply.body["caseId"]), claim_id=filing.claim_id)
        raise _Refused(error_text(reply.body), filing.claim_id)

    def _submit_prearbitration(self, filing: Filing) -> FilingResult:
        return self._case(filing, "1")

    def _submit_arbitration(self, filing: Filing) -> FilingResult:
        return self._case(filing, "2")

    def _update_case(self, filing: Filing, case_id: str, action: str) -> FilingResult:
        memo = re.sub(r"[^A-Za-z0-9 ]", " ", filing.note or f"Case {filing.case_id}")[:100] or "Issuer action"
        reply = self._call("PUT", f"/v6/cases/{case_id}", {"action": action, "memo": memo}, program=filing.program)
        if reply.status == 200:
            return FilingResult(accepted=True, network_reference=case_id, claim_id=filing.claim_id)
        raise _Refused(error_text(reply.body), filing.claim_id)

    def _close_claim(self, filing: Filing, reason_code: str) -> FilingResult:
        reply = self._call("PUT", f"/v6/claims/{filing.claim_id}", {"action": "CLOSE", "closeClaimReasonCode": reason_code},
                           program=filing.program)
        if reply.status == 200:
            return FilingResult(accepted=True, network_reference=filing.claim_id, claim_id=filing.claim_id)
        raise _Refused(error_text(reply.body), filing.claim_id)

    def _submit_accept(self, filing: Filing) -> FilingResult:
        if not filing.claim_id:
            raise _Refused("the network knows no claim for this case yet")
        case = _case_details(self.claim(filing.claim_id, filing.program))
        wanted = filing.network_case_id or str(case.get("caseId"))
        if case and case.get("filingAs") == "A" and str(case.get("caseId")) == wanted:
            return self._update_case(filing, str(case["caseId"]), "ACCEPT")
        return self._close_claim(filing, "10")

    def _submit_withdraw(self, filing: Filing) -> FilingResult:
        if not filing.claim_id:
            raise _Refused("the network knows no claim for this case yet")
        detail = self.claim(filing.claim_id, filing.program)
        lifecycle = detail.get("caseFilingDetails") or {}
        case = _case_details(detail)
        if case and case.get("filingAs") == "I" and lifecycle.get("caseFilingStatus") == "OPEN":
            return self._update_case(filing, str(case["caseId"]), "WITHDRAW")
        chargeback = _issuer_chargeback(detail)
        represented = any(cb.get("chargebackType") == "SECOND_PRESENTMENT" for cb in detail.get("chargebackDetails") or [])
        if chargeback is not None and not represented and not _truthy(chargeback.get("reversed")):
            reply = self._call("POST", f"/v6/claims/{filing.claim_id}/chargebacks/{chargeback['chargebackId']}/reversal",
                               program=filing.program)
            if reply.status == 200:
                return FilingResult(accepted=True, network_reference=str((reply.body or {}).get("chargebackId", "")),
                                    claim_id=filing.claim_id)
            raise _Refused(error_text(reply.body), filing.claim_id)
        return self._close_claim(filing, "20")

    def lookup(self, filing: Filing) -> FilingResult | None:
        try:
            claim_id = filing.claim_id
            if not claim_id:
                if filing.kind != "chargeback":
                    return None
                claim_id, created = self._open_claim(filing)
                if created:
                    return None  # the claim is new: no chargeback can be on it
            detail = self.claim(claim_id, filing.program)
        except _Refused:
            return None
        if filing.kind == "chargeback":
            token = reference_token(filing.client_reference)
            for chargeback in detail.get("chargebackDetails") or []:
                if chargeback.get("chargebackType") == "CHARGEBACK" and \
                        str(chargeback.get("messageText") or "").split(" ")[0] == token:
                    reject = str(chargeback.get("rejectReason") or "")
                    return FilingResult(accepted=not reject, network_reference=str(chargeback.get("chargebackId", "")),
                                        claim_id=claim_id, reason=reject)
            return None
        if filing.kind in ("prearbitration", "arbitration"):
            case = _case_details(detail)
            if case and str(case.get("customerFilingNumber")) == customer_filing_number(filing.client_reference):
                return FilingResult(accepted=True, network_reference=str(case.get("caseId", "")), claim_id=claim_id)
            return None
        # accept / withdraw: the claim is closed (or the case settled) once the network holds it.
        lifecycle = detail.get("caseFilingDetails") or {}
        if not _truthy(detail.get("isOpen")) or lifecycle.get("caseFilingStatus") in ("WITHDRAWN", "ACCEPTED"):
            return FilingResult(accepted=True, network_reference=claim_id, claim_id=claim_id)
        return None

    # --- queues -------------------------------------------------------------------------------

    def read_queues(self) -> list[InboundItem]:
        return [item for part in self.read_queue_parts() for item in part]

    def read_queue_parts(self):
        """The queues' items, READ_PART claims at a time: each claim's detail and documents are
        requests of their own (DETAIL_THREADS at once), so the poll stores and applies one part
        while the next is read. The queues' pages are listed first, so acknowledging a part does
        not move the claims still to read."""
        names = self._call("GET", "/v6/queues/names")
        available = {str(q.get("queueName")) for q in names.body or [] if isinstance(q, dict)}
        summaries = []
        for queue in READ_QUEUES:
            if queue not in available:
                continue
            for page in range(1, PAGE_LIMIT + 1):
                reply = self._call("POST", "/v6/queues", {"queueName": queue, "pageNb": str(page)})
                if reply.status != 200 or not isinstance(reply.body, dict):
                    raise GatewayError(f"Mastercom queue {queue}: {error_text(reply.body)}")
                claims = reply.body.get("claimList") or []
                summaries.extend((queue, summary) for summary in claims if isinstance(summary, dict))
                try:
                    pages = int(reply.body.get("pageCount") or 1)
                except ValueError:
                    pages = 1
                if page >= pages:
                    break
        by_claim: dict[str, list] = {}
        for queue, summary in summaries:
            if summary.get("claimId"):
                by_claim.setdefault(str(summary.get("claimId")), []).append((queue, summary))
        claim_ids = sorted(by_claim)
        if not claim_ids:
            yield []
            return
        with ThreadPoolExecutor(max_workers=DETAIL_THREADS) as pool:
            for start in range(0, len(claim_ids), READ_PART):
                part = claim_ids[start:start + READ_PART]
                details = dict(zip(part, pool.map(self._detail_or_none, part), strict=True))
                pairs = [pair for claim_id in part for pair in by_claim[claim_id]]
                items = pool.map(self._item, [queue for queue, _ in pairs], [summary for _, summary in pairs],
                                 [details] * len(pairs))
                yield [item for item in items if item is not None]

    def _detail_or_none(self, claim_id: str) -> dict | None:
        try:
            return self.claim(claim_id)
        except _Refused:
            return None

    def _item(self, queue: str, summary: dict, details: dict) -> InboundItem | None:
        claim_id = str(summary.get("claimId") or "")
        detail = details.get(claim_id)
        if not detail:
            return None
        state = str(summary.get("progressState") or "")
        chargebacks = detail.get("chargebackDetails") or []
        issuer = _issuer_chargeback(detail) or {}
        currency = str(issuer.get("currency") or "")
        raw = {"queue": queue, "summary": summary}
        if queue == "Unworked":
            second = [cb for cb in chargebacks if cb.get("chargebackType") == "SECOND_PRESENTMENT"]
            if "SECOND-PRESENTMENT" in state and second:
                latest = second[-1]
                chargeback_id = str(latest.get("chargebackId"))
                cur = str(latest.get("currency") or currency)
                docs = self._documents(f"/v6/claims/{claim_id}/chargebacks/{chargeback_id}/documents")
                return InboundItem(
                    message_id=f"cb-{chargeback_id}", queue=queue, kind="representment", claim_id=claim_id,
                    client_reference="", amount_minor=amount_minor(latest.get("amount"), cur), currency=cur,
                    reason=str(latest.get("messageText") or "Second presentment"), documents=docs,
                    raw={**raw, "ack": {"claimId": claim_id, "chargebackId": chargeback_id}, "chargeback": latest})
            if not _truthy(detail.get("isOpen")):
                kind = "ruling_issuer" if "WINDOW" in state else "merchant_accepted"
                return InboundItem(
                    message_id=f"claim-{claim_id}-closed", queue=queue, kind=kind, claim_id=claim_id,
                    reason=("The acquirer's window passed; the claim closed for the issuer." if kind == "ruling_issuer"
                            else "The acquirer accepted the chargeback."),
                    raw={**raw, "ack": {"claimId": claim_id, "chargebackId": str(issuer.get("chargebackId", ""))}})
            return None
        lifecycle = detail.get("caseFilingDetails") or {}
        case = lifecycle.get("caseFilingDetails") or {}
        status = str(lifecycle.get("caseFilingStatus") or "")
        case_id = str(case.get("caseId") or "")
        if not case_id:
            return None
        ack = {"claimId": claim_id, "chargebackId": str(issuer.get("chargebackId", ""))}
        cur = str(case.get("currencyCode") or currency)
        history = lifecycle.get("caseFilingRespHistory") or []
        memo = str(history[-1].get("memo") or "") if history and isinstance(history[-1], dict) else ""
        common = {"queue": queue, "claim_id": claim_id, "network_case_id": case_id, "currency": cur,
                  "raw": {**raw, "ack": ack, "case": lifecycle}}
        if case.get("filingAs") == "A" and status == "OPEN":
            docs = self._documents(f"/v6/cases/{case_id}/documents")
            return InboundItem(message_id=f"case-{case_id}-filed", kind="prearb_received",
                               amount_minor=amount_minor(case.get("disputeAmount"), cur),
                               reason=memo or "The acquirer filed pre-arbitration.", documents=docs, **common)
        if case.get("filingAs") != "I":
            return None
        ruling = str(case.get("rulingStatus") or "")
        if ruling in ("Favor Sender", "Favor Receiver"):
            kind = "ruling_issuer" if ruling == "Favor Sender" else "ruling_merchant"
            return InboundItem(message_id=f"case-{case_id}-{ruling.replace(' ', '').lower()}", kind=kind,
                               reason=memo or f"Ruling: {ruling}", **common)
        if status in ("ACCEPTED", "REJECTED"):
            kind = "merchant_accepted" if status == "ACCEPTED" else "ruling_merchant"
            return InboundItem(message_id=f"case-{case_id}-{status.lower()}", kind=kind,
                               reason=memo or f"The acquirer {'accepted' if kind == 'merchant_accepted' else 'declined'} "
                                              "the case.", **common)
        return None

    def _documents(self, path: str) -> tuple[Document, ...]:
        reply = self._call("GET", path, params={"format": "ORIGINAL"})
        if reply.status != 200:
            return ()
        return documents_of(reply.body)

    def acknowledge(self, items: list[InboundItem]) -> None:
        pairs = []
        for item in items:
            ack = (item.raw or {}).get("ack") or {}
            if ack.get("claimId") and ack.get("chargebackId"):
                pairs.append({"claimId": str(ack["claimId"]), "chargebackId": str(ack["chargebackId"])})
        pairs = list({(p["claimId"], p["chargebackId"]): p for p in pairs}.values())
        for start in range(0, len(pairs), ACK_BATCH):
            reply = self._call("PUT", "/v6/chargebacks/acknowledge", {"chargebackList": pairs[start:start + ACK_BATCH]})
            if reply.status != 200:
                raise GatewayError(f"Mastercom acknowledge: {error_text(reply.body)}")


class _Refused(Exception):
    def __init__(self, reason: str, claim_id: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.claim_id = claim_id


def _detail_value(body: object, name: str) -> str:
    if not isinstance(body, dict):
        return ""
    for error in body.get("errors") or []:
        for detail in (error or {}).get("details") or []:
            if isinstance(detail, dict) and detail.get("name") == name and detail.get("value"):
                return str(detail["value"])
    return ""


def _issuer_chargeback(detail: dict) -> dict | None:
    """The issuer's standing first chargeback (a rejected one is not on the claim's books)."""
    for chargeback in reversed(detail.get("chargebackDetails") or []):
        if chargeback.get("chargebackType") == "CHARGEBACK" and not _truthy(chargeback.get("reversal")) \
                and not chargeback.get("rejectReason"):
            return chargeback
    return None


def _case_details(detail: dict) -> dict:
    lifecycle = detail.get("caseFilingDetails") or {}
    return lifecycle.get("caseFilingDetails") or {}


_cache: dict[tuple, MastercomGateway] = {}
_cache_lock = threading.Lock()


@register("mastercard")
def mastercom_gateway() -> MastercomGateway:
    """One gateway (and HTTP connection pool) per configuration; settings choose the simulator or a
    Mastercom host (docs/networks.md)."""
    key = (settings.MASTERCOM_BASE_URL, settings.NETWORK_HTTP_TIMEOUT, settings.MASTERCOM_CONSUMER_KEY,
           settings.MASTERCOM_SIGNING_KEY_FILE, repr(settings.MASTERCOM_PROGRAM_KEYS))
    with _cache_lock:
        if key not in _cache:
            _cache[key] = MastercomGateway(settings.MASTERCOM_BASE_URL, settings.NETWORK_HTTP_TIMEOUT)
        return _cache[key]
