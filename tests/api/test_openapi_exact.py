"""The OpenAPI document says what the server does (SPEC section 15), and the server fixes that
Schemathesis found: each rule of cases/api/openapi_exact.py and the answers behind it."""

import json

import pytest
from django.core.management import call_command

from tests.api.conftest import assert_problem, case_payload, transaction_payload
from tests.factories import make_case

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40


@pytest.fixture(scope="module")
def document(django_db_blocker, tmp_path_factory):
    target = tmp_path_factory.mktemp("schema") / "schema.json"
    with django_db_blocker.unblock():
        call_command("spectacular", "--format", "openapi-json", "--file", str(target))
    return json.loads(target.read_text())


def _operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_every_error_answer_is_problem_json_with_the_common_statuses(document):
    for path, method, operation in _operations(document):
        codes = {int(code) for code in operation["responses"] if code.isdigit()}
        assert {400, 401, 403, 404, 406, 429} <= codes, (method, path)
        if method in ("post", "patch"):
            assert {413, 415, 422} <= codes, (method, path)
        for code, response in operation["responses"].items():
            if int(code) >= 400:
                assert list(response["content"]) == ["application/problem+json"], (method, path, code)


def test_request_objects_refuse_unknown_properties_and_control_characters(document):
    schemas = document["components"]["schemas"]
    create = schemas["CaseCreateRequest"]
    assert create["additionalProperties"] is False
    assert create["properties"]["custom_fields"]["maxProperties"] == 25
    assert create["properties"]["case_id"]["pattern"] == "^[^\\u0000-\\u001f\\u007f]*$"
    assert schemas["NoteRequest"]["properties"]["note"]["pattern"].startswith("^[^\\u0000-\\u0008\\u000b")
    assert schemas["TransitionRequestRequest"]["additionalProperties"] is False


def test_parameters_carry_the_server_s_patterns(document):
    case_path = document["paths"]["/api/v1/cases/{case_id}"]["patch"]
    params = {p["name"]: p for p in case_path["parameters"]}
    assert params["case_id"]["schema"]["pattern"] == "^[A-Za-z0-9_-]{1,126}$"
    listing = {p["name"]: p for p in document["paths"]["/api/v1/cases"]["get"]["parameters"]}
    assert listing["limit"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 100}
    assert listing["reason"]["schema"]["minItems"] == 1 and listing["reason"]["schema"]["items"]["enum"]
    post = document["paths"]["/api/v1/cases"]["post"]
    key = {p["name"]: p for p in post["parameters"]}["Idempotency-Key"]
    assert key["schema"]["maxLength"] == 255


def test_evidence_types_are_documented_as_served(document):
    upload = document["paths"]["/api/v1/cases/{case_id}/evidence"]["post"]["requestBody"]["content"]
    assert upload["multipart/form-data"]["encoding"]["file"]["contentType"] == (
        "application/pdf, image/jpeg, image/png, image/tiff")
    download = document["paths"]["/api/v1/cases/{case_id}/evidence/{evidence_id}/download"]["get"]
    assert set(download["responses"]["200"]["content"]) == {"application/pdf", "image/jpeg", "image/png",
                                                            "image/tiff"}


def test_unknown_multipart_fields_are_refused(api, program):
    case = make_case(program)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = api.upload(f"/api/v1/cases/{case.case_id}/evidence",
                          {"file": SimpleUploadedFile("a.png", PNG), "colour": "blue"})
    problem = assert_problem(response, 422, "validation_error")
    assert problem["errors"][0]["field"] == "colour" and problem["errors"][0]["code"] == "unknown_field"


def test_an_unknown_page_cursor_is_404(api, program):
    assert_problem(api.get("/api/v1/cases", {"starting_after": "case_nope"}), 404, "not_found")
    assert_problem(api.get("/api/v1/transactions", {"ending_before": "123"}), 404, "not_found")
    assert_problem(api.get("/api/v1/cases", {"starting_after": "bad id!"}), 400, "invalid_request")


@pytest.mark.parametrize("value", ["yes", "", "1"])
def test_overdue_is_true_or_false(api, program, value):
    assert_problem(api.get("/api/v1/cases", {"overdue": value}), 400, "invalid_request")
    assert api.get("/api/v1/cases", {"overdue": "false"}).status_code == 200


def test_a_bad_body_is_422_before_if_match_is_weighed(api, program):
    case = make_case(program)
    url = f"/api/v1/cases/{case.case_id}"
    assert_problem(api.patch(url, {"level": ""}, **{"If-Match": '"stale"'}), 422, "validation_error")
    assert_problem(api.patch(url, {"note": "x"}, **{"If-Match": '"stale"'}), 412, "precondition_failed")
    transitions = f"{url}/transitions"
    assert_problem(api.post(transitions, {}, **{"If-Match": '"stale"'}), 422, "validation_error")


def test_a_new_document_id_with_another_s_arn_is_409_not_500(api, program):
    first = transaction_payload()
    assert api.post("/api/v1/transactions", first).status_code == 201
    clash = transaction_payload(arn=first["arn"], financial_document_id=987654321)
    problem = assert_problem(api.post("/api/v1/transactions", clash), 409, "transaction_conflict")
    assert problem["errors"][0]["field"] == "financial_document_id"


@pytest.mark.parametrize("field, value", [("format", {}), ("description", {}), ("format", "xml")])
def test_webhook_fields_of_the_wrong_type_are_refused(api_for, program, field, value):
    client = api_for("manage")
    body = {"url": "https://hooks.example.com/disputes", field: value}
    assert_problem(client.post("/api/v1/webhook-endpoints", body), 422, "validation_error")


def test_optional_fields_sent_as_null_are_not_given(api, program):
    body = case_payload(dispute_type=None, level=None, internal_due_date=None)
    assert api.post("/api/v1/cases", body).status_code == 201
