"""The native API's views, one module per resource. Every view is thin: parse, call a service, render."""

from .case_actions import (
    CaseApprovalRequestsView,
    CaseApprovalRequestView,
    CaseEventsView,
    CaseNotesView,
    CaseTransitionsView,
    CaseTrustedAmountView,
)
from .cases import CaseDetailView, CaseListView
from .claims import ClaimDetailView, ClaimListView
from .errors import not_found
from .evidence import CaseEvidenceView, EvidenceDownloadView
from .networks import CaseNetworkMessagesView, CaseNetworkSubmissionRetryView, CaseNetworkSubmissionsView
from .parties import CardholderListView, MerchantListView, ReasonCodeListView
from .regulation import CaseLettersView, CaseProvisionalCreditView, LetterDownloadView
from .transactions import TransactionDetailView, TransactionListView
from .webhooks import (
    WebhookDeliveryListView,
    WebhookDeliveryReplayView,
    WebhookEndpointDetailView,
    WebhookEndpointListView,
    WebhookReplayFailedView,
    WebhookRotateSecretView,
)

__all__ = [
    "CaseApprovalRequestView", "CaseApprovalRequestsView",
    "CardholderListView", "CaseDetailView", "CaseEventsView", "CaseEvidenceView", "CaseLettersView", "CaseListView",
    "CaseNetworkMessagesView", "CaseNetworkSubmissionRetryView", "CaseNetworkSubmissionsView",
    "CaseNotesView", "CaseProvisionalCreditView", "CaseTransitionsView", "CaseTrustedAmountView", "ClaimDetailView",
    "ClaimListView", "EvidenceDownloadView", "LetterDownloadView", "MerchantListView", "ReasonCodeListView",
    "TransactionDetailView", "TransactionListView",
    "WebhookDeliveryListView", "WebhookDeliveryReplayView", "WebhookEndpointDetailView", "WebhookEndpointListView",
    "WebhookReplayFailedView", "WebhookRotateSecretView", "not_found",
]
