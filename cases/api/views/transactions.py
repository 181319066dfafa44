"""The transaction store: GET/POST /api/v1/transactions, GET /api/v1/transactions/{financial_document_id}."""

from rest_framework.response import Response

from cases import selectors, services
from cases.wire.pagination import Key
from cases.wire.transaction_objects import parse_transaction
from cases.wire.transaction_shape import transaction_to_dict

from .. import schema
from .base import ApiView, as_int, page_response, program_for_write, query_text

NEWEST_FIRST = (Key("pk", descending=True),)
# Exact-match filters of the list: query parameter -> column.
TRANSACTION_FILTERS = ("arn", "external_id", "switch_serial_number")


@schema.transaction_list
class TransactionListView(ApiView):
    def get(self, request):
        transactions = selectors.transaction_queryset(self.actor)
        for name in TRANSACTION_FILTERS:
            value = query_text(request, name)
            if value:
                transactions = transactions.filter(**{name: value})
        return page_response(self, transactions, NEWEST_FIRST, transaction_to_dict, "financial_document_id", as_int)

    def post(self, request):
        data = parse_transaction(request.data)
        program = program_for_write(self, request.data)
        transaction, created = services.transaction_create(program=program, data=data)
        return Response(transaction_to_dict(transaction), status=201 if created else 200)


@schema.transaction_detail
class TransactionDetailView(ApiView):
    def get(self, request, financial_document_id):
        return Response(transaction_to_dict(selectors.transaction_get(self.actor, financial_document_id)))
