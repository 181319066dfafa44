"""Evidence upload (multipart), list and download."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from cases.models import CaseEvent, Evidence
from tests.api.conftest import assert_problem
from tests.factories import make_case

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40


def _file(data=PDF, name="receipt.pdf"):
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_upload_list_download(api, program):
    case = make_case(program)
    url = f"/api/v1/cases/{case.case_id}/evidence"
    response = api.upload(url, {"file": _file(), "category": "transaction_receipt", "description": "the receipt"})
    assert response.status_code == 201, response.content
    item = response.json()
    assert (item["name"], item["category"], item["content_type"], item["size"]) == (
        "receipt.pdf", "transaction_receipt", "application/pdf", len(PDF))
    assert CaseEvent.objects.filter(case=case, kind="evidence").count() == 1
    again = api.upload(url, {"file": _file(name="copy.pdf")})
    assert again.status_code == 200 and again.json()["id"] == item["id"]
    listed = api.get(url).json()
    assert [e["id"] for e in listed["data"]] == [item["id"]]
    download = api.get(item["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"


def test_content_type_is_checked_by_content(api, program):
    case = make_case(program)
    url = f"/api/v1/cases/{case.case_id}/evidence"
    assert_problem(api.upload(url, {"file": _file(b"<html><script>x</script>", "evil.pdf")}), 415,
                   "unsupported_file_type")
    assert api.upload(url, {"file": _file(PNG, "photo.pdf")}).json()["content_type"] == "image/png"


@override_settings(EVIDENCE_MAX_BYTES=1024)
def test_file_too_large(api, program):
    case = make_case(program)
    problem = assert_problem(api.upload(f"/api/v1/cases/{case.case_id}/evidence", {"file": _file(PDF + b"0" * 2000)}),
                             413, "file_too_large")
    assert problem["errors"][0]["field"] == "file"
    assert not Evidence.objects.exists()


@override_settings(EVIDENCE_MAX_FILES=1)
def test_too_many_files(api, program):
    case = make_case(program)
    url = f"/api/v1/cases/{case.case_id}/evidence"
    assert api.upload(url, {"file": _file()}).status_code == 201
    assert_problem(api.upload(url, {"file": _file(PNG, "b.png")}), 422, "too_many_files")


def test_upload_bad_input(api, program):
    case = make_case(program)
    url = f"/api/v1/cases/{case.case_id}/evidence"
    assert_problem(api.upload(url, {"category": "other"}), 422, "validation_error")
    assert_problem(api.upload(url, {"file": _file(), "category": "selfie"}), 422, "validation_error")
    assert_problem(api.post(url, {"file": "base64?"}), 415, "unsupported_media_type")
    assert_problem(api.upload(url, {"file": _file(b"", "empty.pdf")}), 422)


def test_evidence_of_another_program_is_404(api, other_api, program):
    case = make_case(program)
    item = api.upload(f"/api/v1/cases/{case.case_id}/evidence", {"file": _file()}).json()
    assert_problem(other_api.get(item["download_url"]), 404)
    assert_problem(other_api.get(f"/api/v1/cases/{case.case_id}/evidence"), 404)
    assert_problem(other_api.upload(f"/api/v1/cases/{case.case_id}/evidence", {"file": _file(PNG)}), 404)
    assert_problem(api.get(f"/api/v1/cases/{case.case_id}/evidence/999999/download"), 404)


def test_missing_file_on_disk_is_404(api, program):
    case = make_case(program)
    item = api.upload(f"/api/v1/cases/{case.case_id}/evidence", {"file": _file()}).json()
    evidence = Evidence.objects.get(pk=item["id"])
    evidence.file.storage.delete(evidence.file.name)
    assert_problem(api.get(item["download_url"]), 404)


def test_read_key_cannot_upload(api_for, program):
    case = make_case(program)
    response = api_for("read").upload(f"/api/v1/cases/{case.case_id}/evidence", {"file": BytesIO(PDF)})
    assert_problem(response, 403)
