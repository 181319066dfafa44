"""Native API URLs (/api/v1/...), the OpenAPI document (/api/schema) and Swagger UI (/api/docs).

Every view is wrapped in the request guards (SPEC section 9): PAN screening of write bodies and
Idempotency-Key handling of POSTs, errors rendered as problem+json.
"""

from django.urls import path, re_path, register_converter
from django.urls.converters import IntConverter, StringConverter
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from cases.web.guards import guarded

from . import views
from .errors import render_problem

app_name = "api"


class ObjectIdConverter(StringConverter):
    """Case and claim ids: letters, digits, '_' and '-' (anything else is a 404, never a query)."""

    regex = "[A-Za-z0-9_-]{1,126}"


class BoundedIntConverter(IntConverter):
    """A positive number that fits a 64-bit column."""

    regex = "[0-9]{1,18}"


register_converter(ObjectIdConverter, "api_id")
register_converter(BoundedIntConverter, "api_int")
CASE = "v1/cases/<api_id:case_id>"
WEBHOOK_ENDPOINT = "v1/webhook-endpoints/<api_id:endpoint_id>"


def _guarded(view_class):
    return guarded(render_problem)(view_class.as_view())


urlpatterns = [
    path("v1/cases", _guarded(views.CaseListView), name="case-list"),
    path(CASE, _guarded(views.CaseDetailView), name="case-detail"),
    path(f"{CASE}/transitions", _guarded(views.CaseTransitionsView), name="case-transitions"),
    path(f"{CASE}/events", _guarded(views.CaseEventsView), name="case-events"),
    path(f"{CASE}/notes", _guarded(views.CaseNotesView), name="case-notes"),
    path(f"{CASE}/trusted-amount", _guarded(views.CaseTrustedAmountView), name="case-trusted-amount"),
    path(f"{CASE}/evidence", _guarded(views.CaseEvidenceView), name="case-evidence"),
    path(f"{CASE}/evidence/<api_int:evidence_id>/download", _guarded(views.EvidenceDownloadView),
         name="case-evidence-download"),
    path(f"{CASE}/approval-requests", _guarded(views.CaseApprovalRequestsView), name="case-approval-requests"),
    path(f"{CASE}/approval-requests/<api_int:request_id>", _guarded(views.CaseApprovalRequestView),
         name="case-approval-request"),
    path(f"{CASE}/provisional-credit", _guarded(views.CaseProvisionalCreditView), name="case-provisional-credit"),
    path(f"{CASE}/letters", _guarded(views.CaseLettersView), name="case-letters"),
    path(f"{CASE}/letters/<api_int:letter_id>/download", _guarded(views.LetterDownloadView),
         name="case-letter-download"),
    path(f"{CASE}/network-submissions", _guarded(views.CaseNetworkSubmissionsView),
         name="case-network-submissions"),
    path(f"{CASE}/network-submissions/<api_int:submission_id>/retry", _guarded(views.CaseNetworkSubmissionRetryView),
         name="case-network-submission-retry"),
    path(f"{CASE}/network-messages", _guarded(views.CaseNetworkMessagesView), name="case-network-messages"),
    path("v1/transactions", _guarded(views.TransactionListView), name="transaction-list"),
    path("v1/transactions/<api_int:financial_document_id>", _guarded(views.TransactionDetailView),
         name="transaction-detail"),
    path("v1/merchants", _guarded(views.MerchantListView), name="merchant-list"),
    path("v1/cardholders", _guarded(views.CardholderListView), name="cardholder-list"),
    path("v1/claims", _guarded(views.ClaimListView), name="claim-list"),
    path("v1/claims/<api_id:claim_id>", _guarded(views.ClaimDetailView), name="claim-detail"),
    path("v1/webhook-endpoints", _guarded(views.WebhookEndpointListView), name="webhook-endpoint-list"),
    path(WEBHOOK_ENDPOINT, _guarded(views.WebhookEndpointDetailView), name="webhook-endpoint-detail"),
    path(f"{WEBHOOK_ENDPOINT}/rotate-secret", _guarded(views.WebhookRotateSecretView), name="webhook-rotate-secret"),
    path(f"{WEBHOOK_ENDPOINT}/deliveries", _guarded(views.WebhookDeliveryListView), name="webhook-delivery-list"),
    path(f"{WEBHOOK_ENDPOINT}/deliveries/<api_int:delivery_id>/replay", _guarded(views.WebhookDeliveryReplayView),
         name="webhook-delivery-replay"),
    path(f"{WEBHOOK_ENDPOINT}/replay", _guarded(views.WebhookReplayFailedView), name="webhook-replay-failed"),
    path("v1/reason-codes", _guarded(views.ReasonCodeListView), name="reason-code-list"),
    path("schema", SpectacularAPIView.as_view(authentication_classes=[], permission_classes=[]), name="schema"),
    path("docs", SpectacularSwaggerView.as_view(url_name="api:schema", authentication_classes=[],
                                                 permission_classes=[]), name="docs"),
    # Anything else under /api/ (the Tutelar dialect's /api/v1/dispute/ excepted) is a problem+json 404.
    re_path(r"^(?!v1/dispute/)(?P<path>.*)$", views.not_found),
]
