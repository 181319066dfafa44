"""Read-only catalogs: merchants, cardholders (/api/v1/merchants, /cardholders) and reason codes."""

from rest_framework.response import Response

from cases import networks, selectors
from cases.api.representations.resources import reason_code_to_dict
from cases.wire.transaction_shape import cardholder_to_dict, merchant_to_dict

from .. import schema
from .base import ApiView, as_int, page_response, query_text
from .transactions import NEWEST_FIRST


def _party_list(view: ApiView, parties, render):
    issuer_id = query_text(view.request, "issuer_id")
    if issuer_id:
        parties = parties.filter(external_id=issuer_id)
    return page_response(view, parties, NEWEST_FIRST, lambda p: {"id": p.pk, **render(p)}, "pk", as_int)


@schema.merchant_list
class MerchantListView(ApiView):
    def get(self, request):
        return _party_list(self, selectors.merchant_queryset(self.actor), merchant_to_dict)


@schema.cardholder_list
class CardholderListView(ApiView):
    def get(self, request):
        return _party_list(self, selectors.cardholder_queryset(self.actor), cardholder_to_dict)


@schema.reason_code_list
class ReasonCodeListView(ApiView):
    def get(self, request):
        network = query_text(request, "network", 16)
        entries = [entry for table_network, table in networks.CATALOG.items() if network in ("", table_network)
                   for entry in table.values()]
        return Response({"has_more": False, "data": [reason_code_to_dict(entry) for entry in entries]})
