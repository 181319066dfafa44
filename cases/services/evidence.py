"""Evidence files: type by content (magic bytes), size and count limits, SHA-256, de-duplication."""

import hashlib
from typing import NamedTuple

import puremagic
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction

from cases.actors import Actor
from cases.choices import EventKind, EvidenceCategory
from cases.exceptions import FileTooLarge, TooManyFiles, UnsupportedFileType, ValidationFailed
from cases.limits import column_length
from cases.models import Case, CaseEvent, Evidence
from cases.services.events import event_record, require_perm
from cases.services.transitions import lock_case

# Native API and back office: PDF, JPEG, PNG, TIFF up to 5 MiB (SPEC section 9).
EVIDENCE_TYPES = frozenset({"application/pdf", "image/jpeg", "image/png", "image/tiff"})
MAX_DESCRIPTION = column_length(Evidence, "description")


def sniff_content_type(data: bytes) -> str | None:
    try:
        return puremagic.from_string(data[:8192], mime=True) or None
    except (puremagic.PureError, ValueError):
        return None


def clean_file_name(name: str) -> str:
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return name[:255] or "evidence"


def checked_content_type(data: bytes, *, max_bytes: int, allowed_types: frozenset = EVIDENCE_TYPES) -> str:
    """The file's type by its content, or the refusal: empty, too large, a type not allowed."""
    if not data:
        raise ValidationFailed.single("file", "empty", "The file is empty.")
    if len(data) > max_bytes:
        raise FileTooLarge(f"Files are limited to {max_bytes // 1024} KiB.", field="file")
    content_type = sniff_content_type(data)
    if content_type not in allowed_types:
        kinds = ", ".join(sorted(t.split("/")[1].upper() for t in allowed_types))
        raise UnsupportedFileType(f"Only {kinds} files are accepted (checked by content).", field="file")
    return content_type


class EvidenceAdded(NamedTuple):
    """What case_add_evidence stored: the file, the `evidence` event that recorded it, and whether
    this call stored it (False: the same file was already on the case; both name the first upload)."""

    evidence: Evidence
    event: CaseEvent
    created: bool


@transaction.atomic
def case_add_evidence(*, case: Case, actor: Actor, data: bytes, name: str, category: str = EvidenceCategory.OTHER,
                      description: str = "", allowed_types: frozenset = EVIDENCE_TYPES,
                      max_bytes: int | None = None) -> EvidenceAdded:
    """Store a file on a case. The same file twice answers with the first upload and its event."""
    require_perm(actor, "cases.add_evidence", "You may not add evidence.")
    max_bytes = max_bytes or settings.EVIDENCE_MAX_BYTES
    if category not in EvidenceCategory.values:
        raise ValidationFailed.single("category", "invalid_choice", f"Unknown evidence category {category!r}.")
    if len(description or "") > MAX_DESCRIPTION:
        raise ValidationFailed.single("description", "too_long",
                                      f"The description is at most {MAX_DESCRIPTION} characters.")
    content_type = checked_content_type(data, max_bytes=max_bytes, allowed_types=allowed_types)
    digest = hashlib.sha256(data).hexdigest()
    case = lock_case(case)
    existing = Evidence.objects.filter(case=case, sha256=digest).first()
    if existing:
        return EvidenceAdded(existing, _recorded_by(existing), created=False)
    if Evidence.objects.filter(case=case).count() >= settings.EVIDENCE_MAX_FILES:
        raise TooManyFiles(f"A case holds at most {settings.EVIDENCE_MAX_FILES} files.", field="file")
    evidence = Evidence(case=case, category=category, original_name=clean_file_name(name),
                        description=description or "", content_type=content_type, size=len(data), sha256=digest,
                        uploaded_by=actor.label, uploaded_by_user=actor.user)
    evidence.file.save(digest, ContentFile(data), save=False)
    evidence.save()
    event = event_record(case=case, actor=actor, kind=EventKind.EVIDENCE,
                         changes={"evidence_id": evidence.pk, "name": evidence.original_name, "category": category,
                                  "sha256": digest, "size": len(data)},
                         note=description or "")
    return EvidenceAdded(evidence, event, created=True)


def _recorded_by(evidence: Evidence) -> CaseEvent:
    """The `evidence` event this service wrote with the file (the event names the file's id)."""
    return CaseEvent.objects.filter(case_id=evidence.case_id, kind=EventKind.EVIDENCE,
                                    changes__evidence_id=evidence.pk).order_by("id").first()
