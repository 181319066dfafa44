"""The idempotency owner of an API-key request fits its column (PostgreSQL enforces the length)."""

from django.test import RequestFactory

from cases.models import IdempotencyKey
from cases.web.guards import idempotency_owner


def test_api_key_owner_fits_the_column(api_keys):
    obj, raw = api_keys["manage"]
    request = RequestFactory().post("/", HTTP_AUTHORIZATION=f"Bearer {raw}")
    owner = idempotency_owner(request)
    assert owner == f"api_key:{obj.prefix}"
    assert len(owner) <= IdempotencyKey._meta.get_field("owner").max_length
    assert obj.pk not in owner  # the key's hash is never copied into the idempotency table
