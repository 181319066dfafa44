"""The OpenAPI document validates, is served with Swagger UI (offline assets), and matches real responses."""

import pytest
import yaml
from django.core.management import call_command

from cases.api.representations import openapi
from tests.api.conftest import case_payload

pytestmark = pytest.mark.django_db


def test_schema_validates_without_warnings(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    document = yaml.safe_load(target.read_text())
    assert document["openapi"].startswith("3.")
    expected = {"/api/v1/cases", "/api/v1/cases/{case_id}", "/api/v1/cases/{case_id}/transitions",
                "/api/v1/cases/{case_id}/events", "/api/v1/cases/{case_id}/evidence",
                "/api/v1/cases/{case_id}/evidence/{evidence_id}/download", "/api/v1/cases/{case_id}/notes",
                "/api/v1/cases/{case_id}/trusted-amount", "/api/v1/transactions",
                "/api/v1/transactions/{financial_document_id}", "/api/v1/merchants", "/api/v1/cardholders",
                "/api/v1/claims", "/api/v1/claims/{claim_id}", "/api/v1/reason-codes",
                "/api/v1/webhook-endpoints", "/api/v1/webhook-endpoints/{endpoint_id}",
                "/api/v1/webhook-endpoints/{endpoint_id}/rotate-secret",
                "/api/v1/webhook-endpoints/{endpoint_id}/deliveries",
                "/api/v1/webhook-endpoints/{endpoint_id}/deliveries/{delivery_id}/replay",
                "/api/v1/webhook-endpoints/{endpoint_id}/replay",
                "/api/v1/cases/{case_id}/provisional-credit", "/api/v1/cases/{case_id}/letters",
                "/api/v1/cases/{case_id}/letters/{letter_id}/download", "/api/v1/cases/{case_id}/approval-requests",
                "/api/v1/cases/{case_id}/approval-requests/{request_id}",
                "/api/v1/cases/{case_id}/network-submissions",
                "/api/v1/cases/{case_id}/network-submissions/{submission_id}/retry",
                "/api/v1/cases/{case_id}/network-messages"}
    assert set(document["paths"]) == expected
    create = document["paths"]["/api/v1/cases"]["post"]
    assert "Decisionly-shaped case" in {e["summary"] for e in create["requestBody"]["content"]["application/json"]
                                        ["examples"].values()}
    transitions = document["paths"]["/api/v1/cases/{case_id}/transitions"]["post"]
    assert transitions["requestBody"]["content"]["application/json"]["examples"]
    assert set(document["components"]["securitySchemes"]) >= {"apiKeyBearer", "apiKeyBasic"}


def test_schema_and_docs_are_served(client):
    schema = client.get("/api/schema", {"format": "json"})
    assert schema.status_code == 200 and schema.json()["info"]["title"] == "Disputes API"
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    page = docs.content.decode()
    assert "drf_spectacular_sidecar/swagger-ui-dist" in page
    assert "cdn.jsdelivr.net" not in page and "unpkg.com" not in page


def test_documented_case_fields_match_the_response(api, program):
    case = api.post("/api/v1/cases", case_payload()).json()
    assert set(case) == set(openapi.Case().fields)
    assert set(case["transaction"]) == set(openapi.Transaction().fields)
