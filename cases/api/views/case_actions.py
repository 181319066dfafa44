"""A case's lifecycle steps, audit trail, notes and trusted amount (/api/v1/cases/{case_id}/...)."""

from rest_framework.response import Response

from cases import lifecycle, selectors, services
from cases.api.representations.resources import approval_to_dict, event_to_dict, note_to_dict
from cases.exceptions import ApprovalRequestNotFound
from cases.limits import MAX_NOTE
from cases.models import ApprovalRequest
from cases.services import approvals
from cases.wire.pagination import BY_ID

from .. import schema
from .base import ApiView, as_int, expected_version, page_response
from .cases import case_response


@schema.case_transitions
class CaseTransitionsView(ApiView):
    def get(self, request, case_id):
        case = selectors.case_get(self.actor, case_id)
        available = services.case_available_transitions(case=case, actor=self.actor)
        return Response({"status": case.status, "data": available})

    def post(self, request, case_id):
        case = selectors.case_get(self.actor, case_id)
        body = self.body()
        name = body.choice("transition", lifecycle.TRANSITIONS, required=True)
        note = body.string("note", MAX_NOTE, text=True)
        body.raise_errors()
        # Preconditions after the body is valid (RFC 9110 13.2.1): a bad body is 422, not 412.
        version = expected_version(request, case)
        result = approvals.case_transition_or_request(case=case, transition=name, actor=self.actor, note=note,
                                                      expected_version=version)
        if isinstance(result, ApprovalRequest):
            return approval_response(result, case)
        return case_response(self.actor, result.case)


def approval_response(request: ApprovalRequest, case) -> Response:
    """Maker-checker (SPEC 14): 202, the pending request; a different supervisor decides in the back office."""
    body = approval_to_dict(request, case)
    return Response(body, status=202, headers={"Location": body["url"]})


@schema.case_approval_requests
class CaseApprovalRequestsView(ApiView):
    def get(self, request, case_id):
        case = selectors.case_get(self.actor, case_id)
        return page_response(self, case.approval_requests.order_by("id"), BY_ID,
                             lambda r: approval_to_dict(r, case), "pk", as_int)


@schema.case_approval_request
class CaseApprovalRequestView(ApiView):
    def get(self, request, case_id, request_id):
        case = selectors.case_get(self.actor, case_id)
        try:
            approval = case.approval_requests.get(pk=request_id)
        except ApprovalRequest.DoesNotExist:
            raise ApprovalRequestNotFound() from None
        return Response(approval_to_dict(approval, case))


@schema.case_events
class CaseEventsView(ApiView):
    def get(self, request, case_id):
        case = selectors.case_get(self.actor, case_id)
        return page_response(self, selectors.case_events(case), BY_ID, event_to_dict, "pk", as_int)


@schema.case_notes
class CaseNotesView(ApiView):
    def get(self, request, case_id):
        case = selectors.case_get(self.actor, case_id)
        return page_response(self, selectors.case_notes(case), BY_ID, note_to_dict, "pk", as_int)

    def post(self, request, case_id):
        case = selectors.case_get(self.actor, case_id)
        body = self.body()
        text = body.string("note", MAX_NOTE, required=True, text=True)
        body.raise_errors()
        note = services.case_add_note(case=case, actor=self.actor, text=text)
        return Response(note_to_dict(note), status=201)


@schema.case_trusted_amount
class CaseTrustedAmountView(ApiView):
    def post(self, request, case_id):
        case = selectors.case_get(self.actor, case_id)
        body = self.body()
        amount = body.amount("amount", required=True)
        currency = body.string("currency", 3, required=True).upper()
        note = body.string("note", MAX_NOTE, text=True)
        body.raise_errors()
        event = services.case_change_amount(case=case, actor=self.actor, amount=amount, currency=currency, note=note)
        return case_response(self.actor, event.case)
