"""Evidence files (SPEC section 9): checked by content, stored outside the web root, served only to
authorized callers, as attachments that browsers must not sniff into something executable."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cases import services
from cases.actors import Actor
from cases.models import Evidence
from tests.conftest import DoorClient, logged_in
from tests.factories import make_api_key, make_case

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture
def stored(program, supervisor):
    case = make_case(program)
    evidence, *_ = services.case_add_evidence(case=case, actor=Actor.for_user(supervisor), data=PDF,
                                             name="<script>x</script>.pdf", category="transaction_receipt")
    return case, evidence


def assert_served_as_attachment(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "<script>" not in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    # Both doors serve through one helper: sandboxed if a browser opens it anyway, never cached.
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == PDF


def test_native_download(stored, program):
    case, evidence = stored
    url = f"/api/v1/cases/{case.case_id}/evidence/{evidence.pk}/download"
    assert_served_as_attachment(DoorClient(make_api_key(program, ["read"])[1]).get(url))
    assert Client().get(url).status_code == 401


def test_back_office_download(stored, analyst, plain_user):
    case, evidence = stored
    url = f"/cases/{case.number}/evidence/{evidence.pk}/"
    assert_served_as_attachment(logged_in(analyst).get(url))
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    assert logged_in(plain_user).get(url).status_code in (403, 404)


def test_another_cases_evidence_id_is_not_found(stored, program):
    case, evidence = stored
    other = make_case(program)
    key = make_api_key(program, ["read"])[1]
    assert DoorClient(key).get(f"/api/v1/cases/{other.case_id}/evidence/{evidence.pk}/download").status_code == 404


def test_files_live_outside_the_web_root_and_no_url_serves_them(stored):
    _, evidence = stored
    path = Path(evidence.file.path).resolve()
    root = Path(settings.EVIDENCE_ROOT).resolve()
    assert root in path.parents
    for web_root in [Path(settings.STATIC_ROOT), *map(Path, settings.STATICFILES_DIRS)]:
        assert web_root.resolve() not in path.parents
    relative = path.relative_to(root).as_posix()
    for url in (f"/static/{relative}", f"/media/{relative}", f"/{relative}", f"/evidence/{relative}"):
        assert Client().get(url).status_code == 404, url


@pytest.mark.parametrize(("name", "content"), [
    ("invoice.pdf", b"<html><script>alert(document.cookie)</script></html>"),
    ("photo.jpg", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00"),
    ("statement.pdf", b"#!/bin/sh\nrm -rf /\n"),
])
def test_files_are_checked_by_content_not_by_name(stored, program, name, content):
    case, _ = stored
    key = make_api_key(program, ["write"])[1]
    before = Evidence.objects.count()
    response = DoorClient(key).upload(f"/api/v1/cases/{case.case_id}/evidence",
                                      {"file": _upload(name, content), "category": "other"})
    assert response.status_code == 415, response.content[:200]
    assert response.json()["code"] == "unsupported_file_type"
    assert Evidence.objects.count() == before


def _upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/pdf")
