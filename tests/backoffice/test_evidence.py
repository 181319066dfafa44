"""Evidence on the case page: the API's limits on upload; download only as an attachment, never sniffed."""

import pytest

from cases.models import Evidence
from tests.backoffice.conftest import PDF, PNG, case_url
from tests.conftest import logged_in
from tests.factories import make_case


def _upload(client, case, data, name="receipt.pdf", **extra):
    from django.core.files.uploadedfile import SimpleUploadedFile

    payload = {"file": SimpleUploadedFile(name, data), "category": "transaction_receipt", "description": "Receipt"}
    payload.update(extra)
    return client.post(case_url(case, "evidence/"), payload)


def test_upload_then_download(analyst_client, case):
    response = _upload(analyst_client, case, PDF)
    assert response.status_code == 303
    evidence = Evidence.objects.get(case=case)
    assert (evidence.original_name, evidence.content_type, evidence.category, evidence.size) == (
        "receipt.pdf", "application/pdf", "transaction_receipt", len(PDF))
    assert case.events.filter(kind="evidence", changes__name="receipt.pdf").exists()
    page = analyst_client.get(case_url(case)).content.decode()
    assert "Uploaded receipt.pdf." in page and f'href="/cases/{case.number}/evidence/{evidence.pk}/"' in page
    download = analyst_client.get(case_url(case, f"evidence/{evidence.pk}/"))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"] == 'attachment; filename="receipt.pdf"'
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download["Content-Security-Policy"]


def test_the_same_file_twice_is_kept_once(analyst_client, case):
    _upload(analyst_client, case, PNG, name="a.png")
    response = _upload(analyst_client, case, PNG, name="b.png")
    assert response.status_code == 303
    assert Evidence.objects.filter(case=case).count() == 1
    assert "already on the case" in analyst_client.get(case_url(case)).content.decode()


def test_too_large_is_413_and_nothing_is_stored(analyst_client, case, settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    response = _upload(analyst_client, case, PDF + b"0" * 2048)
    assert response.status_code == 413
    assert "Files are limited to" in response.content.decode()
    assert not Evidence.objects.filter(case=case).exists()


def test_five_mebibytes_is_the_default_limit(analyst_client, case):
    response = _upload(analyst_client, case, PDF + b"0" * (5 * 1024 * 1024))
    assert response.status_code == 413
    assert "Files are limited to 5 MiB." in response.content.decode()


def test_type_is_checked_by_content(analyst_client, case):
    response = _upload(analyst_client, case, b"<html><script>alert(1)</script></html>", name="fake.pdf")
    assert response.status_code == 415
    assert "accepted (checked by content)" in response.content.decode()
    assert not Evidence.objects.filter(case=case).exists()


def test_empty_and_missing_files_are_refused(analyst_client, case):
    assert _upload(analyst_client, case, b"", name="empty.pdf").status_code == 400
    assert analyst_client.post(case_url(case, "evidence/"), {"category": "other"}).status_code == 400
    assert _upload(analyst_client, case, PDF, category="bogus").status_code == 400
    assert not Evidence.objects.filter(case=case).exists()


def test_file_count_limit(analyst_client, case, settings):
    settings.EVIDENCE_MAX_FILES = 2
    _upload(analyst_client, case, PNG + b"1", name="1.png")
    _upload(analyst_client, case, PNG + b"2", name="2.png")
    page = analyst_client.get(case_url(case)).content.decode()
    assert 'name="file"' not in page  # the upload form is gone at the limit
    response = _upload(analyst_client, case, PNG + b"3", name="3.png")
    assert response.status_code == 422
    assert "A case holds at most 2 files." in response.content.decode()
    assert Evidence.objects.filter(case=case).count() == 2


def test_card_number_in_the_description_or_name_is_refused(analyst_client, case):
    response = _upload(analyst_client, case, PDF, description="card 4111111111111111")
    assert response.status_code == 400 and "4111111111111111" not in response.content.decode()
    response = _upload(analyst_client, case, PDF, name="4111111111111111.pdf")
    assert response.status_code == 400 and "4111111111111111" not in response.content.decode()
    assert not Evidence.objects.filter(case=case).exists()


def test_download_needs_the_right_case_and_a_role(analyst_client, case, program, plain_user):
    _upload(analyst_client, case, PDF)
    evidence = Evidence.objects.get(case=case)
    other = make_case(program)
    assert analyst_client.get(case_url(other, f"evidence/{evidence.pk}/")).status_code == 404
    assert analyst_client.get(case_url(case, "evidence/999999/")).status_code == 404
    assert logged_in(plain_user).get(case_url(case, f"evidence/{evidence.pk}/")).status_code == 403


@pytest.mark.parametrize("name", ['"><img src=x onerror=alert(1)>.pdf', "..\\..\\etc\\passwd.pdf"])
def test_hostile_file_names_are_cleaned_and_quoted(analyst_client, case, name):
    _upload(analyst_client, case, PDF, name=name)
    evidence = Evidence.objects.get(case=case)
    assert "/" not in evidence.original_name and "\\" not in evidence.original_name
    download = analyst_client.get(case_url(case, f"evidence/{evidence.pk}/"))
    assert download["Content-Disposition"].startswith("attachment;")
    assert "\n" not in download["Content-Disposition"]
