"""A case's provisional credit and letters (/api/v1/cases/{case_id}/provisional-credit, /letters)."""

from django.http import HttpResponse
from rest_framework.response import Response

from cases import selectors
from cases.choices import ApiScope
from cases.exceptions import LetterNotFound
from cases.limits import MAX_NOTE
from cases.models import ApprovalRequest
from cases.services import approvals
from cases.services.provisional_credit import ACTIONS

from .. import schema
from ..representations.regulation import letter_to_dict
from .base import ApiView, as_int, expected_version
from .case_actions import approval_response
from .cases import case_response


@schema.case_provisional_credit
class CaseProvisionalCreditView(ApiView):
    required_scopes = {"POST": ApiScope.MANAGE}

    def post(self, request, case_id):
        case = selectors.case_get(self.actor, case_id)
        body = self.body()
        action = body.choice("action", ACTIONS, required=True)
        amount = None
        if body.has("amount"):
            raw = body.raw("amount")
            if isinstance(raw, bool) or not isinstance(raw, int) or raw <= 0:
                body.error("amount", "invalid_amount",
                           "Must be a whole number of minor units greater than zero (1500 is 15.00 USD).")
            else:
                amount = raw
        note = body.string("note", MAX_NOTE, text=True)
        body.raise_errors()
        # Preconditions after the body is valid (RFC 9110 13.2.1): a bad body is 422, not 412.
        version = expected_version(request, case)
        result = approvals.case_provisional_credit_or_request(case=case, actor=self.actor, action=action,
                                                              amount=amount, note=note, expected_version=version)
        if isinstance(result, ApprovalRequest):
            return approval_response(result, case)
        return case_response(self.actor, case)


@schema.case_letters
class CaseLettersView(ApiView):
    def get(self, request, case_id):
        case = selectors.case_get(self.actor, case_id)
        return Response({"has_more": False, "data": [letter_to_dict(letter, case)
                                                     for letter in selectors.case_letters(case)]})


@schema.letter_download
class LetterDownloadView(ApiView):
    def get(self, request, case_id, letter_id):
        case = selectors.case_get(self.actor, case_id)
        letter = selectors.letter_get(case, as_int(str(letter_id)))
        if letter.pdf is None:
            raise LetterNotFound("The letter has not been sent yet.")
        response = HttpResponse(bytes(letter.pdf), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{case.case_id}-{letter.kind}.pdf"'
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response
