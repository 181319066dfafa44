"""Evidence files (SPEC section 9): type by content, 5 MiB, 20 files per case, SHA-256, de-duplication."""

import hashlib

import pytest
from django.conf import settings

from cases import services
from cases.actors import Actor
from cases.exceptions import FileTooLarge, TooManyFiles, UnsupportedFileType, ValidationFailed
from cases.models import CaseEvent, Evidence
from tests.factories import make_case

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 16 + b"\xff\xd9"
TIFF = b"II*\x00\x08\x00\x00\x00" + b"\x00" * 24
TEXT = b"I never received the order, please refund me.\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48


@pytest.fixture
def case(program):
    return make_case(program)


@pytest.mark.parametrize(("data", "content_type"), [
    (PDF, "application/pdf"), (PNG, "image/png"), (JPEG, "image/jpeg"), (TIFF, "image/tiff"),
])
def test_accepted_types_are_stored_with_their_digest(case, analyst, data, content_type):
    actor = Actor.for_user(analyst, request_id="up-1")
    evidence, recorded, created = services.case_add_evidence(
        case=case, actor=actor, data=data, name="C:\\scans\\receipt.bin", category="transaction_receipt",
        description="Receipt")
    assert created is True
    row = Evidence.objects.get(pk=evidence.pk)
    digest = hashlib.sha256(data).hexdigest()
    assert (row.content_type, row.size, row.sha256) == (content_type, len(data), digest)
    assert (row.original_name, row.category, row.uploaded_by, row.uploaded_by_user) == (
        "receipt.bin", "transaction_receipt", "user:ana", analyst)
    with row.file.open("rb") as stored:
        assert stored.read() == data
    event = CaseEvent.objects.filter(case=case).last()
    assert recorded == event  # the service returns the event it wrote
    assert (event.kind, event.note, event.request_id, event.actor_user) == ("evidence", "Receipt", "up-1", analyst)
    assert event.changes == {"evidence_id": row.pk, "name": "receipt.bin", "category": "transaction_receipt",
                             "sha256": digest, "size": len(data)}


@pytest.mark.parametrize(("data", "name"), [(TEXT, "statement.pdf"), (EXE, "invoice.pdf"), (b"GIF89a" + b"\0" * 20,
                                                                                            "x.png")])
def test_other_content_is_refused_whatever_its_name(case, analyst_actor, data, name):
    with pytest.raises(UnsupportedFileType):
        services.case_add_evidence(case=case, actor=analyst_actor, data=data, name=name)
    assert Evidence.objects.count() == 0
    assert CaseEvent.objects.filter(case=case, kind="evidence").count() == 0


def test_file_over_five_mib_is_refused(case, analyst_actor):
    limit = settings.EVIDENCE_MAX_BYTES
    assert limit == 5 * 1024 * 1024
    with pytest.raises(FileTooLarge):
        services.case_add_evidence(case=case, actor=analyst_actor, data=PDF + b"\0" * (limit - len(PDF) + 1),
                                   name="big.pdf")
    created = services.case_add_evidence(case=case, actor=analyst_actor,
                                         data=PDF + b"\0" * (limit - len(PDF)), name="max.pdf").created
    assert created and Evidence.objects.get().size == limit


def test_twenty_first_file_is_refused(case, analyst_actor):
    for i in range(20):
        services.case_add_evidence(case=case, actor=analyst_actor, data=PDF + b"%" + str(i).encode(), name=f"{i}.pdf")
    with pytest.raises(TooManyFiles):
        services.case_add_evidence(case=case, actor=analyst_actor, data=PDF + b"%extra", name="21.pdf")
    assert Evidence.objects.filter(case=case).count() == 20
    # A file the case already holds is still answered with its record.
    again = services.case_add_evidence(case=case, actor=analyst_actor, data=PDF + b"%0", name="0.pdf")
    assert again.created is False and again.evidence.original_name == "0.pdf"
    assert CaseEvent.objects.filter(case=case, kind="evidence").count() == 20


def test_same_file_twice_returns_the_first_record(case, analyst_actor, supervisor_actor):
    first = services.case_add_evidence(case=case, actor=analyst_actor, data=PNG, name="a.png")
    again = services.case_add_evidence(case=case, actor=supervisor_actor, data=PNG, name="b.png", category="other")
    assert (first.created, again.created) == (True, False)
    assert again.evidence.pk == first.evidence.pk and again.evidence.original_name == "a.png"
    # The second upload answers with the event that recorded the first one, and writes none.
    assert again.event == first.event and first.event.changes["evidence_id"] == first.evidence.pk
    assert Evidence.objects.count() == 1
    assert CaseEvent.objects.filter(case=case, kind="evidence").count() == 1


def test_same_file_on_another_case_is_a_new_record(program, case, analyst_actor):
    other = make_case(program)
    services.case_add_evidence(case=case, actor=analyst_actor, data=PDF, name="a.pdf")
    added = services.case_add_evidence(case=other, actor=analyst_actor, data=PDF, name="a.pdf")
    assert added.created is True and added.event.case_id == other.pk
    assert Evidence.objects.filter(sha256=hashlib.sha256(PDF).hexdigest()).count() == 2


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"data": b""}, "file"),
    ({"category": "selfie"}, "category"),
    ({"description": "d" * 501}, "description"),
])
def test_invalid_upload_fields(case, analyst_actor, kwargs, field):
    values = {"data": PDF, "name": "a.pdf", **kwargs}
    with pytest.raises(ValidationFailed) as excinfo:
        services.case_add_evidence(case=case, actor=analyst_actor, **values)
    assert excinfo.value.first.field == field
    assert Evidence.objects.count() == 0


def test_evidence_rolls_back_when_its_event_fails(case, analyst_actor, monkeypatch):
    def fail(**kwargs):
        raise RuntimeError("event insert failed")

    monkeypatch.setattr(CaseEvent.objects, "create", fail)
    with pytest.raises(RuntimeError):
        services.case_add_evidence(case=case, actor=analyst_actor, data=PDF, name="a.pdf")
    assert Evidence.objects.count() == 0
