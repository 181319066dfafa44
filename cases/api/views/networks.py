"""A case's traffic with its card network (SPEC section 12): /api/v1/cases/{case_id}/network-submissions
(and their retry) and /api/v1/cases/{case_id}/network-messages."""

from rest_framework.response import Response

from cases import selectors
from cases.api.representations.networks import message_to_dict, submission_to_dict
from cases.limits import MAX_NOTE
from cases.services.network_submissions import submission_retry
from cases.wire.pagination import BY_ID

from .. import schema
from .base import ApiView, as_int, page_response


@schema.case_network_submissions
class CaseNetworkSubmissionsView(ApiView):
    def get(self, request, case_id):
        case = selectors.case_get(self.actor, case_id)
        return page_response(self, selectors.case_network_submissions(case), BY_ID,
                             lambda row: submission_to_dict(row, case), "pk", as_int)


@schema.case_network_submission_retry
class CaseNetworkSubmissionRetryView(ApiView):
    """Queue a failed or refused submission again; 409 when its state allows no retry."""

    def post(self, request, case_id, submission_id):
        case = selectors.case_get(self.actor, case_id)
        row = selectors.network_submission_get(case, submission_id)
        body = self.body()
        note = body.string("note", MAX_NOTE, text=True)
        body.raise_errors()
        submission_retry(submission=row, actor=self.actor, note=note)
        return Response(submission_to_dict(selectors.network_submission_get(case, row.pk), case))


@schema.case_network_messages
class CaseNetworkMessagesView(ApiView):
    def get(self, request, case_id):
        case = selectors.case_get(self.actor, case_id)
        return page_response(self, selectors.case_network_messages(case), BY_ID,
                             lambda message: message_to_dict(message, case), "pk", as_int)
