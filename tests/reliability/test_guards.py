"""The shared request guards refuse what no door could store or read, in the door's own envelope."""

import json

import pytest
from django.http import JsonResponse
from django.test import RequestFactory

from cases.limits import unstorable_field
from cases.models import IdempotencyKey
from cases.web.guards import guarded


def render_error(request, exc):
    return JsonResponse({"code": exc.code, "field": exc.field, "errors": [e.code for e in exc.errors]},
                        status=exc.status)


@guarded(render_error)
def echo(request):
    return JsonResponse({"ok": True}, status=201)


def post(body: bytes, content_type="application/json", **extra):
    return echo(RequestFactory().generic("POST", "/echo?q=1", data=body, content_type=content_type, **extra))


@pytest.mark.parametrize(("document", "field"), [
    ({"a": "fine", "b": {"c": ["x", "y\x00z"]}}, "b.c[1]"),
    ({"note": "\ud800"}, "note"),
    ({"a": {"k\x00ey": 1}}, "a"),
    ("\x00", "body"),
    ({"a": [{"b": "ok"}, 1, None, True, 2.5]}, None),
])
def test_unstorable_field(document, field):
    assert unstorable_field(document) == field


def test_deep_documents_are_walked_without_recursion():
    deep = current = []
    for _ in range(50_000):
        current.append([])
        current = current[0]
    current.append("\x00")
    assert unstorable_field(deep).endswith("[0]")


@pytest.mark.parametrize("body", [
    b'{"note": "a\\u0000b"}',
    b'{"note": "\\udfff"}',
    b'{"custom_fields": {"k": ["\\u0000"]}}',
])
def test_json_body_with_unstorable_string_is_refused(body):
    response = post(body)
    assert response.status_code == 422
    assert json.loads(response.content)["errors"] == ["invalid_characters"]


def test_query_string_with_nul_is_refused():
    response = echo(RequestFactory().post("/echo?q=%00", data=b"{}", content_type="application/json"))
    assert response.status_code == 422


@pytest.mark.parametrize(("content_type", "body"), [
    ("multipart/form-data", b"--x\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nabc\r\n--x--"),
    ("multipart/form-data; boundary=" + "b" * 300, b"--" + b"b" * 300 + b"--\r\n"),
])
def test_broken_multipart_is_the_doors_400(content_type, body):
    response = post(body, content_type)
    assert response.status_code == 400
    assert json.loads(response.content)["code"] == "invalid_request"


def test_form_field_with_nul_is_refused():
    response = post(b"note=a%00b", "application/x-www-form-urlencoded")
    assert response.status_code == 422


def test_clean_body_passes(db):
    assert post(b'{"note": "\\u202e right-to-left is text, not a threat"}').status_code == 201
    assert not IdempotencyKey.objects.exists()
