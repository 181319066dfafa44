"""What every native API view shares: auth, scopes, parsers, the program of a write, pages, ETags."""

from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from cases import selectors
from cases.actors import actor_for
from cases.exceptions import FieldError, InvalidQuery, NotFound, PreconditionFailed, ValidationFailed
from cases.limits import has_control
from cases.models import Case, Program
from cases.wire.pagination import CursorNotFound, keyset_list
from cases.wire.reader import Reader

from ..body_schema import refuse_unknown_fields
from ..parsers import JSONParser
from ..permissions import HasScope


class CursorObjectNotFound(NotFound):
    title = "No such object to page from"


class ApiView(APIView):
    permission_classes = [HasScope]
    parser_classes = [JSONParser]

    def initial(self, request, *args, **kwargs):
        """After authentication, permissions and throttling: a body property the OpenAPI document
        does not name is refused (422 unknown_field), as the document says."""
        super().initial(request, *args, **kwargs)
        match = request._request.resolver_match
        if match is not None and request.method in ("POST", "PUT", "PATCH"):
            media_type = (request.content_type or "").split(";")[0].strip()
            if media_type == "multipart/form-data":
                body = {**{key: None for key in request.POST}, **{key: None for key in request.FILES}}
            else:
                body = request.data
            refuse_unknown_fields(match.route, request.method, media_type, body)

    @property
    def actor(self):
        return actor_for(self.request)

    def body(self) -> Reader:
        """The JSON body as a Reader (a body that is not an object is a validation error at `body`)."""
        return Reader(self.request.data)


class UploadView(ApiView):
    parser_classes = [MultiPartParser]


def program_for_write(view: ApiView, data: object) -> Program:
    """The program a new object belongs to: an API key's own; a session user names it (`program_id`).

    A key naming another program is refused, never trusted (SPEC section 5: tenancy from the key).
    """
    requested = data.get("program_id") if isinstance(data, dict) else None
    if requested is not None and not isinstance(requested, str):
        raise ValidationFailed.single("program_id", "invalid_type", "Must be a string.")
    actor = view.actor
    if actor.api_key is not None:
        program = actor.api_key.program
        if requested and requested != program.program_id:
            raise ValidationFailed.single("program_id", "program_mismatch",
                                          "This API key belongs to another program; omit program_id or send its own.")
        return program
    if not requested:
        raise ValidationFailed.single("program_id", "required", "Name the program (program_id) the object belongs to.")
    program = selectors.programs_for(actor).filter(program_id=requested[:126]).first()
    if program is None:
        raise ValidationFailed.single("program_id", "unknown_program", "No such program.")
    return program


def keyset_page(queryset, params, keys, render, **options) -> Response:
    """`keyset_list` as the native API answers it: a well-formed cursor naming no object (or another
    program's) is a 404, as an unknown id is."""
    try:
        return Response(keyset_list(queryset, params, keys, render, **options))
    except CursorNotFound as exc:
        raise CursorObjectNotFound(exc.errors[0].message, field=exc.errors[0].field) from None


def page_response(view: ApiView, queryset, keys, render, cursor_field: str, cursor_value=str) -> Response:
    """A keyset page of `queryset`, rendered row by row; the cursor is the object's `cursor_field`."""
    return keyset_page(queryset, view.request.query_params, keys, render, cursor_field=cursor_field,
                       cursor_value=cursor_value)


def as_int(value: str) -> int | None:
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else None


def expected_version(request, case: Case) -> int | None:
    """`If-Match` with the case's ETag makes a write conditional (412 when the case has changed)."""
    header = request.headers.get("If-Match")
    if header is None or header.strip() == "*":
        return None
    tags = [tag.strip().removeprefix("W/") for tag in header.split(",")]
    if case.etag in tags:
        return case.version
    raise PreconditionFailed("The case changed since you read it (ETag mismatch); read it again and retry.")


def query_text(request, name: str, max_length: int = 126) -> str:
    """A free-text query parameter; control characters (NUL breaks PostgreSQL) are a 400."""
    value = request.query_params.get(name, "")
    if len(value) > max_length or has_control(value):
        raise InvalidQuery([FieldError(name, "invalid", f"At most {max_length} printable characters.")])
    return value
