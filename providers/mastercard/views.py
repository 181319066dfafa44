"""Mastercard Processing Dispute API, prefix /global-processing/dispute (SPEC section 6.1).

The four confirmed use cases of https://developer.mastercard.com/mastercard-processing-dispute/documentation/use-cases/:
create a dispute case, change a trusted amount, add a file, retrieve a case status. `{caseId}` is
the case's integer `number` (Mastercard case ids are numbers; `caseNumber` is "D" + caseId).

Differences from the original (docs/dialects.md): OAuth 1.0a signing as Mastercard's gateway checks
it (providers/mastercard/oauth.py) or an API key, and no JWE payload encryption; errors carry
Source "DISPUTES".
"""

import base64
import binascii

from django.http import JsonResponse
from django.urls import reverse

from cases import money, networks, selectors, services
from cases.choices import Source
from cases.exceptions import (
    AuthenticationFailed,
    CaseClosed,
    CaseNotFound,
    DisputeError,
    FileTooLarge,
    IdempotencyKeyInUse,
    OpenCaseExists,
    PermissionDenied,
    TooManyFiles,
    TransactionNotFound,
    UnsupportedFileType,
    ValidationFailed,
)
from cases.inputs import CaseInput, TransactionInput
from cases.limits import MAX_CUSTOM_FIELDS, MAX_INT, custom_field_fits
from providers.base import (
    MalformedBody,
    MethodNotAllowed,
    RouteNotFound,
    ServerError,
    Throttled,
    endpoint,
    json_object,
)
from providers.mastercard.oauth import oauth_first

# Add a file: "Only jpg, tiff or pdf are accepted, and the encrypted payload must not exceed 1 MB"
# (…/use-cases/add-file-to-dispute-case/). We check the decoded file, by content, against 1 MiB.
ATTACHMENT_TYPES = frozenset({"image/jpeg", "image/tiff", "application/pdf"})
ATTACHMENT_MAX_BYTES = 1024 * 1024
MAX_COMMENTS = 5000

# Domain field-error codes -> Mastercard ReasonCode.
_FIELD_CODES = {
    "required": "MISSING_REQUIRED_FIELD",
    "invalid_reason_code": "INVALID_REASON_CODE",
    "invalid_amount": "INVALID_AMOUNT",
    "amount_exceeds_transaction": "INVALID_AMOUNT",
    "invalid_currency": "INVALID_CURRENCY",
    "currency_mismatch": "INVALID_CURRENCY",
}


class MastercardError(DisputeError):
    """An error raised by this door with a Mastercard ReasonCode of its own."""

    def __init__(self, reason_code: str, message: str, status: int = 400):
        self.reason_code = reason_code
        self.status = status
        super().__init__(message)


def _error_items(exc: DisputeError) -> tuple[int, list[tuple[str, str]]]:
    """(HTTP status, [(ReasonCode, Description)]) for a domain error."""
    if isinstance(exc, MastercardError):
        return exc.status, [(exc.reason_code, exc.message)]
    if isinstance(exc, OpenCaseExists):
        # Mastercard: one open case per financial document; the description names the existing case
        # (…/documentation/code-and-formats/, sandbox financialDocumentId 30004).
        return 400, [("ANOTHER_OPEN_CASE_ALREADY_EXISTS",
                      f"Another open case with id {exc.case_number} for the financial document "
                      f"{exc.financial_document_id} already exists")]
    if isinstance(exc, ValidationFailed):
        return 400, [(_FIELD_CODES.get(e.code, "INVALID_FIELD_VALUE"), e.message) for e in exc.errors]
    simple = {
        AuthenticationFailed: (401, "UNAUTHORIZED"),
        PermissionDenied: (403, "FORBIDDEN"),
        TransactionNotFound: (404, "FINANCIAL_DOCUMENT_NOT_FOUND"),
        CaseNotFound: (404, "CASE_NOT_FOUND"),
        RouteNotFound: (404, "NOT_FOUND"),
        CaseClosed: (400, "CASE_CLOSED"),
        FileTooLarge: (400, "INVALID_FILE"),
        UnsupportedFileType: (400, "INVALID_FILE"),
        TooManyFiles: (400, "INVALID_FILE"),
        MalformedBody: (400, "INVALID_FIELD_VALUE"),
        MethodNotAllowed: (405, "METHOD_NOT_ALLOWED"),
        # Mastercard announced "5 requests per second per client" (…/documentation/announcements/).
        Throttled: (429, "RATE_LIMIT_EXCEEDED"),
        ServerError: (500, "INTERNAL_SERVER_ERROR"),
    }
    for kind, (status, code) in simple.items():
        if isinstance(exc, kind):
            return status, [(code, exc.message)]
    return exc.status, [(exc.code.upper(), exc.message)]


def render_error(request, exc: DisputeError) -> JsonResponse:
    """{"Errors": {"Error": [{Source, ReasonCode, Description, Recoverable, Details}]}} (…/code-and-formats/)."""
    status, items = _error_items(exc)
    recoverable = status >= 500 or isinstance(exc, (IdempotencyKeyInUse, Throttled))
    return JsonResponse({"Errors": {"Error": [
        {"Source": "DISPUTES", "ReasonCode": code, "Description": description, "Recoverable": recoverable,
         "Details": None}
        for code, description in items
    ]}}, status=status)


def _required(body: dict, name: str):
    if body.get(name) in (None, ""):
        raise MastercardError("MISSING_REQUIRED_FIELD", f"{name} is required.")
    return body[name]


def _optional_text(body: dict, name: str, limit: int = MAX_COMMENTS) -> str:
    value = body.get(name)
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > limit:
        raise MastercardError("INVALID_FIELD_VALUE", f"{name} must be text of at most {limit} characters.")
    return value.strip()


def _reason_code(body: dict, name: str = "reasonCode") -> str:
    value = _required(body, name)
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise MastercardError("INVALID_REASON_CODE", f"{name} must be a reason code such as \"4837\".")
    return str(value).strip()


def parse_case_comments(text: str) -> dict[str, str]:
    """`caseComments` is written as `key=value;` pairs (…/use-cases/create-dispute-case/ sample).

    The pairs that fit the custom-field rules become custom fields; the whole text is always kept
    as the case comments, so nothing a client sends is lost.
    """
    fields: dict[str, str] = {}
    for part in text.split(";"):
        key, sep, value = part.partition("=")
        key, value = key.strip(), value.strip()
        if sep and custom_field_fits(key, value) and len(fields) < MAX_CUSTOM_FIELDS:
            fields[key] = value
    return fields


def create_case(request, actor):
    body = json_object(request)
    document_id = _required(body, "financialDocumentId")
    if isinstance(document_id, str) and document_id.isdigit():
        document_id = int(document_id)
    if isinstance(document_id, bool) or not isinstance(document_id, int) or not 0 < document_id <= MAX_INT:
        raise MastercardError("INVALID_FIELD_VALUE", "financialDocumentId must be a positive integer.")
    reason_code = _reason_code(body)
    comments = _optional_text(body, "caseComments")
    # The case is always created for the entire transaction amount (…/use-cases/create-dispute-case/).
    case = services.case_create(program=actor.api_key.program, actor=actor, data=CaseInput(
        transaction=TransactionInput(financial_document_id=document_id), source=Source.MASTERCARD,
        network_reason_code=reason_code, comments=comments, custom_fields=parse_case_comments(comments),
    ))
    response = JsonResponse({"caseId": case.number}, status=201)
    response["Location"] = reverse("mastercard:case", args=[case.number])
    return response


def _action_response(case, event, description: str) -> JsonResponse:
    return JsonResponse({"caseActionId": event.pk, "caseActionDescription": description,
                         "caseNumber": f"D{case.number}"})


def change_trusted_amount(request, actor, case_id):
    """`newAmount` is the corrected disputed total, not a difference (…/use-cases/change-trusted-amount/)."""
    case = selectors.case_get_by_number(actor, case_id)
    body = json_object(request)
    currency = _required(body, "currency")
    new_amount = _required(body, "newAmount")
    if not isinstance(currency, str):
        raise MastercardError("INVALID_CURRENCY", "currency must be an ISO 4217 code such as \"USD\".")
    if isinstance(new_amount, bool) or not isinstance(new_amount, (int, float)):
        raise MastercardError("INVALID_AMOUNT", "newAmount must be a number.")
    reason_code = ""
    if body.get("reasonCode") not in (None, ""):
        _, reason_code = networks.resolve_reason(case.network, code=_reason_code(body), field="reasonCode")
    amount = money.to_minor(new_amount, case.currency, field="newAmount")
    event = services.case_change_amount(case=case, actor=actor, amount=amount, currency=currency.upper(),
                                        note=_optional_text(body, "commentText"), reason_code=reason_code)
    return _action_response(case, event, "Change Trusted Amount")


def add_attachment(request, actor, case_id):
    case = selectors.case_get_by_number(actor, case_id)
    body = json_object(request)
    action_code = _required(body, "actionCode")
    if not isinstance(action_code, str) or not action_code.replace("_", "").isalnum() or len(action_code) > 50:
        raise MastercardError("INVALID_FIELD_VALUE", "actionCode must be an action code such as \"DSP_ADD_FILE\".")
    file = _required(body, "file")
    if not isinstance(file, dict):
        raise MastercardError("INVALID_FIELD_VALUE", "file must be an object with name and bytes.")
    name, content = _required(file, "name"), _required(file, "bytes")
    if not isinstance(name, str) or not isinstance(content, str):
        raise MastercardError("INVALID_FILE", "file.name and file.bytes must be strings.")
    if len(content) > (ATTACHMENT_MAX_BYTES * 4) // 3 + 8:
        raise MastercardError("INVALID_FILE", "The file must not exceed 1 MB.")
    try:
        data = base64.b64decode(content, validate=True)
    except (binascii.Error, ValueError):
        raise MastercardError("INVALID_FILE", "file.bytes must be Base64.") from None
    added = services.case_add_evidence(
        case=case, actor=actor, data=data, name=name, description=_optional_text(body, "commentText", 500),
        allowed_types=ATTACHMENT_TYPES, max_bytes=ATTACHMENT_MAX_BYTES,
    )
    # caseActionId is the audit event that recorded the file; the same file sent again answers
    # with the action that first stored it.
    return _action_response(case, added.event, "Add File")


def case_status(request, actor, case_id):
    """caseStatus A (active) or C (closed); caseStep a readable label of the status
    (…/sandbox-testing/retrieve-dispute-case-status/; the full DAM value lists are not public)."""
    case = selectors.case_get_by_number(actor, case_id)
    return JsonResponse({
        "caseId": case.number,
        "caseStatus": "A" if case.is_active else "C",
        "caseStep": case.get_status_display(),
        "reasonCode": case.network_reason_code,
        "reasonDescription": networks.describe(case.network, case.network_reason_code),
    })


oauth = oauth_first(render_error)
cases_view = oauth(endpoint(render_error, POST=create_case))
case_view = oauth(endpoint(render_error, GET=case_status))
trusted_amounts_view = oauth(endpoint(render_error, POST=change_trusted_amount))
attachments_view = oauth(endpoint(render_error, POST=add_attachment))
