"""The native API refuses request-body properties its OpenAPI document does not name (SPEC 15).

The document (drf-spectacular, with `cases.api.openapi_exact`) marks every request object
`additionalProperties: false` except the free-form ones; this module walks a body against the
operation's request schema and names the first property the document does not know, so the
server refuses exactly what the document refuses: 422 `unknown_field` at its dotted path.
The document is generated once per process, on the first write, under a lock: drf-spectacular's
generator is not safe to run in two threads at once (a threaded server's first concurrent writes).
"""

import re
import threading
from functools import cache

from cases.exceptions import ValidationFailed

_ROUTE_PARAM = re.compile(r"<(?:\w+:)?(\w+)>")
_METHODS = ("post", "put", "patch")


_generating = threading.Lock()


def _document() -> dict:
    with _generating:
        return _generated()


@cache
def _generated() -> dict:
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def _resolve(schema: dict, components: dict) -> dict:
    seen = 0
    while isinstance(schema, dict) and seen < 20:
        seen += 1
        if "$ref" in schema:
            schema = components.get(schema["$ref"].rsplit("/", 1)[-1], {})
        elif len(schema.get("allOf", [])) == 1:
            schema = schema["allOf"][0]
        elif "oneOf" in schema or "anyOf" in schema:
            options = [_resolve(s, components) for s in schema.get("oneOf", schema.get("anyOf", []))]
            objects = [s for s in options if "properties" in s]
            schema = objects[0] if objects else {}
        else:
            break
    return schema if isinstance(schema, dict) else {}


def _unknown(value, schema: dict, components: dict, path: str) -> str | None:
    stack = [(value, schema, path)]
    while stack:
        value, schema, path = stack.pop()
        schema = _resolve(schema, components)
        if isinstance(value, dict) and "properties" in schema:
            properties = schema["properties"]
            extra = schema.get("additionalProperties", True)
            for key, item in value.items():
                child = f"{path}.{key}" if path else str(key)
                if key in properties:
                    stack.append((item, properties[key], child))
                elif extra is False:
                    return child
                elif isinstance(extra, dict):
                    stack.append((item, extra, child))
        elif isinstance(value, list) and isinstance(schema.get("items"), dict):
            stack.extend((item, schema["items"], f"{path}[{index}]") for index, item in enumerate(value))
    return None


def request_schema(route: str, method: str, media_type: str) -> tuple[dict, dict] | None:
    """(the request schema, the components) of an operation, by its Django route and method."""
    if method.lower() not in _METHODS:
        return None
    document = _document()
    path = "/" + _ROUTE_PARAM.sub(r"{\1}", route)
    operation = document.get("paths", {}).get(path, {}).get(method.lower())
    if not operation:
        return None
    content = operation.get("requestBody", {}).get("content", {})
    media = content.get(media_type) or content.get("application/json")
    if media is None:
        return None
    return media.get("schema", {}), document.get("components", {}).get("schemas", {})


def refuse_unknown_fields(route: str, method: str, media_type: str, body) -> None:
    found = request_schema(route, method, media_type)
    if found is None:
        return
    field = _unknown(body, found[0], found[1], "")
    if field is not None:
        raise ValidationFailed.single(field, "unknown_field", f"Unknown field {field}; see the API's OpenAPI document.")
