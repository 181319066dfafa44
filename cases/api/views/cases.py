"""GET/POST /api/v1/cases and GET/PATCH /api/v1/cases/{case_id}."""

from django.urls import reverse
from rest_framework.response import Response

from cases import selectors, services
from cases.api.representations.resources import case_to_native
from cases.exceptions import FieldError, InvalidQuery
from cases.filtersets import CaseFilterSet
from cases.models import Case
from cases.wire.case_shape import parse_case_payload
from cases.wire.pagination import CASE_KEYSETS
from cases.wire.reader import MISSING, json_problem

from .. import schema
from .base import ApiView, expected_version, keyset_page, program_for_write


def case_response(actor, case: Case) -> Response:
    """The case re-read with everything its JSON shows (one query), with its ETag."""
    case = selectors.case_queryset(actor).get(pk=case.pk)
    return Response(case_to_native(case), headers={"ETag": case.etag})


def created_response(case: Case) -> Response:
    """A case just opened, rendered from the objects the service wrote (its program, transaction
    and parties are loaded, it has no claim yet): no re-read."""
    return Response(case_to_native(case), status=201, headers={
        "ETag": case.etag, "Location": reverse("api:case-detail", args=[case.case_id])})


@schema.case_list
class CaseListView(ApiView):
    def get(self, request):
        actor = self.actor
        visible = selectors.case_queryset(actor)
        if request.query_params.get("overdue", "true") not in ("true", "false"):
            raise InvalidQuery([FieldError("overdue", "invalid", "overdue is true or false.")])
        filterset = CaseFilterSet(request.query_params, queryset=visible, request=request)
        if not filterset.is_valid():
            raise InvalidQuery([FieldError(name, "invalid", str(messages[0]))
                                for name, messages in filterset.errors.items()])
        # A case id is unique per program: a session user paging across programs filters by one.
        program = filterset.form.cleaned_data.get("program")
        return keyset_page(
            filterset.qs, request.query_params, CASE_KEYSETS[filterset.ordering_key], case_to_native,
            cursor_field="case_id", cursor_scope=visible.filter(program__program_id=program) if program else visible)

    def post(self, request):
        data = parse_case_payload(request.data, source="api")
        program = program_for_write(self, request.data)
        return created_response(services.case_create(program=program, actor=self.actor, data=data))


@schema.case_detail
class CaseDetailView(ApiView):
    def get(self, request, case_id):
        case = selectors.case_get(self.actor, case_id)
        return Response(case_to_native(case), headers={"ETag": case.etag})

    def patch(self, request, case_id):
        case = selectors.case_get(self.actor, case_id)
        body = self.body()
        changes = {}
        if body.has("level"):
            changes["level"] = body.string("level", 32, required=True)
        for name in ("internal_due_date", "due_date"):
            value = body.day(name)
            if value is not MISSING:
                changes[name] = value
        if body.has("cardholder_notified_at"):
            notified = body.moment("cardholder_notified_at")
            if notified is not None:
                changes["cardholder_notified_at"] = notified
        for name in ("custom_fields", "issuer_evidence"):
            value = body.raw(name)
            if value is MISSING or value is None:
                continue
            if not isinstance(value, dict):
                body.error(name, "invalid_type", "Must be a JSON object.")
            elif problem := json_problem(value):
                body.error(name + problem[0], problem[1], problem[2])
            else:
                changes[name] = value
        note = body.string("note", 5000, text=True)
        body.raise_errors()
        # Preconditions after the body is valid (RFC 9110 13.2.1): a bad body is 422, not 412.
        version = expected_version(request, case)
        services.case_update(case=case, actor=self.actor, note=note, expected_version=version, **changes)
        return case_response(self.actor, case)
