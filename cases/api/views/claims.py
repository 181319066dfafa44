"""Claims group cases (Decisionly claims): GET/POST /api/v1/claims, GET /api/v1/claims/{claim_id}."""

from rest_framework.response import Response

from cases import selectors, services
from cases.wire.case_shape import claim_to_dict

from .. import schema
from .base import ApiView, page_response, program_for_write
from .transactions import NEWEST_FIRST


@schema.claim_list
class ClaimListView(ApiView):
    def get(self, request):
        return page_response(self, selectors.claim_queryset(self.actor), NEWEST_FIRST, claim_to_dict, "claim_id")

    def post(self, request):
        body = self.body()
        claim_id = body.optional_string("claim_id", 126)
        case_ids = body.raw("case_ids", required=True)
        body.raise_errors()
        program = program_for_write(self, request.data)
        claim = services.claim_create(program=program, actor=self.actor, case_ids=case_ids, claim_id=claim_id)
        return Response(claim_to_dict(selectors.claim_get(self.actor, claim.claim_id)), status=201)


@schema.claim_detail
class ClaimDetailView(ApiView):
    def get(self, request, claim_id):
        return Response(claim_to_dict(selectors.claim_get(self.actor, claim_id)))
