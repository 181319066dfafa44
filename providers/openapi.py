"""Each dialect documents itself (SPEC section 15): an OpenAPI 3.0 document per dialect, served at
`<prefix>/openapi.json` without authentication, built here from each dialect's `openapi.py`.

A dialect's document describes what the dialect does, not what the original API publishes in full:
its paths and methods, the bodies it reads (unknown fields are ignored, as the originals do), the
answers it gives with their status codes, its own error envelope on every error, and its
authentication (an API key in any of SPEC section 5's header forms; OAuth 1.0a too on Mastercard).
tests/contract/test_dialect_openapi.py runs Schemathesis against each document.
"""

import json
from functools import cache

from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

SECURITY_SCHEMES = {
    "apiKeyBearer": {"type": "http", "scheme": "bearer", "description": "Authorization: Bearer <API key>"},
    "apiKeyBasic": {"type": "http", "scheme": "basic",
                    "description": "The API key as user name and an empty password, or <prefix>:<secret>."},
}
# C0 controls and DEL (tab, line feed, carriage return allowed in free text): providers.base.clean_text.
FIELD = r"^[^\u0000-\u001f\u007f]*$"
TEXT = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$"


def string(max_length: int | None = None, *, text: bool = False, **extra) -> dict:
    schema = {"type": "string", "pattern": TEXT if text else FIELD, **extra}
    if max_length is not None:
        schema["maxLength"] = max_length
    return schema


def obj(properties: dict, required: tuple = (), **extra) -> dict:
    schema = {"type": "object", "properties": properties, **extra}
    if required:
        schema["required"] = list(required)
    return schema


def json_body(schema: dict, example: dict | None = None) -> dict:
    content = {"schema": schema}
    if example is not None:
        content["example"] = example
    return {"required": True, "content": {"application/json": content}}


def answer(description: str, schema: dict, headers: dict | None = None) -> dict:
    response = {"description": description, "content": {"application/json": {"schema": schema}}}
    if headers:
        response["headers"] = headers
    return response


def errors(codes, error_schema: dict) -> dict:
    return {str(code): answer(f"Error ({code}) in the dialect's envelope", error_schema) for code in codes}


def document(*, title: str, description: str, server: str, paths: dict, schemas: dict,
             extra_security: dict | None = None) -> dict:
    schemes = {**SECURITY_SCHEMES, **(extra_security or {})}
    return {
        "openapi": "3.0.3",
        "info": {"title": title, "version": "1.0.0", "description": description},
        "servers": [{"url": server}],
        "security": [{name: []} for name in schemes],
        "paths": paths,
        "components": {"schemas": schemas, "securitySchemes": schemes},
    }


def document_view(build):
    """GET `<prefix>/openapi.json`: the dialect's document (built once per process)."""
    built = cache(build)

    @csrf_exempt
    @require_GET
    def view(request):
        return HttpResponse(json.dumps(built(), indent=1), content_type="application/json")

    return view
