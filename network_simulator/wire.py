"""Plumbing both simulated wires share: the endpoint decorator (methods, authentication, errors in
the wire's own shape, never a 500 page), claims found or 404, JSON bodies, amounts, and the
documents a filing carries (checked by the same network rules the gateways package by, so the
simulator refuses what a real network would)."""

from __future__ import annotations

import base64
import binascii
import functools
import io
import json
import logging
import zipfile
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt

from cases.gateways import packaging
from cases.gateways.base import Document, PackagingError
from cases.money import exponent, is_currency
from network_simulator import control, state
from network_simulator.models import SimClaim

log = logging.getLogger(__name__)


class BadRequest(Exception):
    def __init__(self, message: str, code: str = "INVALID_REQUEST", status: int = 400):
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status


# (status, message, code) -> the wire's error response
ErrorResponse = Callable[[int, str, str], HttpResponse]
# request -> None when the caller is authenticated, else the wire's refusal
Authenticate = Callable[[object], HttpResponse | None]


def endpoints(errors: ErrorResponse, authenticate: Authenticate):
    """The `@endpoint(*methods, filing=False)` decorator of one wire: the method is checked, then
    the caller, then the view runs; BadRequest becomes the wire's error and anything unexpected a
    500 in the same shape (logged), as a network answers. Every request is counted and a filing
    answer may be held (the sandbox controls, control.py)."""

    def endpoint(*methods: str, filing: bool = False):
        def decorator(view):
            @csrf_exempt
            @functools.wraps(view)
            def wrapper(request, *args, **kwargs):
                control.count(request)
                if request.method not in methods:
                    return errors(405, f"{request.method} is not allowed here.", "METHOD_NOT_ALLOWED")
                refused = authenticate(request)
                if refused is not None:
                    return refused
                try:
                    response = view(request, *args, **kwargs)
                except BadRequest as bad:
                    return errors(bad.status, bad.message, bad.code)
                except Exception:  # noqa: BLE001 - the simulator answers like a network: 500, never a crash
                    log.exception("simulator error on %s %s", request.method, request.path)
                    return errors(500, "Internal error in the simulated network.", "INTERNAL_ERROR")
                if filing:
                    control.hold_filing_answer()
                return response
            return wrapper
        return decorator

    return endpoint


def claim_or_404(network: str, claim_id: str, noun: str = "Claim") -> SimClaim:
    """The network's claim (a Mastercom claim, a VROL case), or a 404 naming it."""
    claim = state.unique_row(SimClaim.objects.filter(network=network, claim_id=claim_id))
    if claim is None:
        raise BadRequest(f"{noun} {claim_id} was not found.", f"{noun.upper()}_NOT_FOUND", 404)
    return claim


def json_body(request) -> dict:
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise BadRequest("The request body is not JSON.") from None
    if not isinstance(body, dict):
        raise BadRequest("The request body must be a JSON object.")
    return body


def text(body: dict, name: str, *, required: bool = True, max_length: int = 200) -> str:
    value = body.get(name)
    if value is None or value == "":
        if required:
            raise BadRequest(f"{name} is required.", "MISSING_FIELD")
        return ""
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise BadRequest(f"{name} must be a string.", "INVALID_FIELD")
    value = str(value)
    if len(value) > max_length:
        raise BadRequest(f"{name} is longer than {max_length} characters.", "INVALID_FIELD")
    return value


def currency(body: dict, name: str) -> str:
    value = text(body, name, max_length=3)
    if not is_currency(value):
        raise BadRequest(f"{name} must be an ISO 4217 alphabetic currency code.", "INVALID_FIELD")
    return value


def minor_units(value: object, currency_code: str, name: str) -> int:
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise BadRequest(f"{name} must be a decimal amount.", "INVALID_FIELD") from None
    scaled = amount.scaleb(exponent(currency_code))
    if not amount.is_finite() or amount <= 0 or scaled != scaled.to_integral_value() or len(str(value)) > 16:
        raise BadRequest(f"{name} must be a positive amount with at most {exponent(currency_code)} decimals.",
                         "INVALID_FIELD")
    return int(scaled)


def major(amount_minor: int, currency_code: str) -> str:
    return f"{Decimal(amount_minor).scaleb(-exponent(currency_code)):f}"


def decode(content: object, name: str) -> bytes:
    if not isinstance(content, str) or not content:
        raise BadRequest(f"{name} must be base64 text.", "INVALID_FIELD")
    try:
        return base64.b64decode(content, validate=True)
    except (binascii.Error, ValueError):
        raise BadRequest(f"{name} is not valid base64.", "INVALID_FIELD") from None


def check_documents(documents: list[Document], rules: packaging.Rules) -> list[dict]:
    """The documents' record ({name, content_type, size}); BadRequest naming the file when one
    breaks the network's rules (a name the gateway should have fixed counts as broken here)."""
    problems = []
    for document in documents:
        if len(document.name) > rules.max_name:
            problems.append(f"{document.name}: file names may have at most {rules.max_name} characters")
    try:
        packaged = packaging.inspect(documents, rules)
    except PackagingError as refused:
        problems.extend(refused.problems)
    else:
        problems.extend(f"{name}: above {rules.max_dpi} dpi" for name in packaged.resampled)
    if problems:
        raise BadRequest("; ".join(problems), "DOCUMENT_REJECTED")
    return [{"name": d.name, "content_type": packaging.detect(d.content)[0], "size": len(d.content)} for d in documents]


def mastercom_attachment(attachment: object) -> list[Document]:
    """Mastercom's DocumentStructure: one JPEG, TIFF or PDF, or a ZIP of them."""
    if attachment is None:
        return []
    if not isinstance(attachment, dict):
        raise BadRequest("fileAttachment must be an object.", "INVALID_FIELD")
    filename = text(attachment, "filename", max_length=16)
    content = decode(attachment.get("file"), "fileAttachment.file")
    if not content.startswith(b"PK\x03\x04"):
        return [Document(name=filename, content_type="", content=content)]
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            infos = [info for info in archive.infolist() if not info.is_dir()]
            if sum(info.file_size for info in infos) > 40 * packaging.MB:
                raise BadRequest("The ZIP expands beyond any submission limit.", "DOCUMENT_REJECTED")
            return [Document(name=info.filename, content_type="", content=archive.read(info)) for info in infos]
    except (zipfile.BadZipFile, OSError):
        raise BadRequest("fileAttachment is not a readable ZIP.", "DOCUMENT_REJECTED") from None


def zipped(documents: list[dict]) -> str:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for document in documents:
            archive.writestr(document["name"], base64.b64decode(document["content"]))
    return base64.b64encode(buffer.getvalue()).decode("ascii")
