from cases.models.approvals import ApprovalRequest
from cases.models.audit import CaseEvent
from cases.models.cases import Case, Claim
from cases.models.credentials import MastercardCredential, MastercardNonce
from cases.models.evidence import Evidence
from cases.models.idempotency import IdempotencyKey
from cases.models.networks import NetworkMessage, NetworkSubmission
from cases.models.parties import Cardholder, Merchant
from cases.models.profiles import UserProfile
from cases.models.programs import ApiKey, Program
from cases.models.regulation import Letter, LetterTemplate, ProgramClosedDate
from cases.models.saved_views import SavedView
from cases.models.transactions import Transaction
from cases.models.webhooks import WebhookAttempt, WebhookDelivery, WebhookEndpoint

__all__ = [
    "ApiKey", "ApprovalRequest", "Cardholder", "Case", "CaseEvent", "Claim", "Evidence", "IdempotencyKey", "Letter",
    "LetterTemplate", "MastercardCredential", "MastercardNonce", "Merchant", "NetworkMessage", "NetworkSubmission",
    "Program", "ProgramClosedDate", "SavedView", "Transaction", "UserProfile", "WebhookAttempt", "WebhookDelivery",
    "WebhookEndpoint",
]
