"""Enumerations of the dispute domain (SPEC sections 2-4)."""

from django.db import models


class CaseStatus(models.TextChoices):
    CREATED = "created", "Created"
    CHARGEBACK_FILED = "chargeback_filed", "Chargeback filed"
    CHARGEBACK_REPRESENTED = "chargeback_represented", "Chargeback represented"
    PREARB_RECEIVED = "prearb_received", "Pre-arbitration received"
    PREARB_FILED = "prearb_filed", "Pre-arbitration filed"
    PREARB_REBUTTED = "prearb_rebutted", "Pre-arbitration rebutted"
    ARBITRATION_FILED = "arbitration_filed", "Arbitration filed"
    WON = "won", "Won"
    LOST = "lost", "Lost"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"
    EXPIRED = "expired", "Expired"
    WITHDRAWN = "withdrawn", "Withdrawn"
    MERCHANT_CREDITED = "merchant_credited", "Merchant credited"


ACTIVE_STATUSES = (
    CaseStatus.CREATED,
    CaseStatus.CHARGEBACK_FILED,
    CaseStatus.CHARGEBACK_REPRESENTED,
    CaseStatus.PREARB_RECEIVED,
    CaseStatus.PREARB_FILED,
    CaseStatus.PREARB_REBUTTED,
    CaseStatus.ARBITRATION_FILED,
)
TERMINAL_STATUSES = tuple(s for s in CaseStatus if s not in ACTIVE_STATUSES)
# Statuses in which the issuer must answer the other side before a response deadline.
RESPONSE_STATUSES = (
    CaseStatus.CHARGEBACK_REPRESENTED,
    CaseStatus.PREARB_RECEIVED,
    CaseStatus.PREARB_REBUTTED,
)


class Reason(models.TextChoices):
    INVALID_AUTHORIZATION = "invalid_authorization", "Invalid authorization"
    FRAUD = "fraud", "Fraud"
    PRODUCT_NOT_RECEIVED = "product_not_received", "Product not received"
    PRODUCT_NOT_AS_DESCRIBED = "product_not_as_described", "Product not as described"
    PRODUCT_COUNTERFEIT = "product_counterfeit", "Product counterfeit"
    SUBSCRIPTION_CANCELED = "subscription_canceled", "Subscription canceled"
    CREDIT_NOT_PROCESSED = "credit_not_processed", "Credit not processed"
    DUPLICATE_CHARGE = "duplicate_charge", "Duplicate charge"
    INCORRECT_AMOUNT = "incorrect_amount", "Incorrect amount"
    CASH_NOT_RECEIVED = "cash_not_received", "Cash not received"
    CANCELED_OR_RETURNED = "canceled_or_returned", "Canceled or returned"
    OTHER = "other", "Other"


class Network(models.TextChoices):
    VISA = "visa", "Visa"
    MASTERCARD = "mastercard", "Mastercard"
    AMEX = "amex", "American Express"
    DISCOVER = "discover", "Discover"
    RUPAY = "rupay", "RuPay"
    UNKNOWN = "", "Unknown"


class DisputeType(models.TextChoices):
    FRAUD = "fraud", "Fraud"
    CHARGEBACK = "chargeback", "Chargeback"
    BO = "bo", "BO"
    COMPLAINT = "complaint", "Complaint"
    DISPUTE = "dispute", "Dispute"


class ReviewStatus(models.TextChoices):
    CHARGEBACK_NEEDS_REVIEW = "chargeback_needs_review", "Chargeback needs review"


class RaisedBy(models.TextChoices):
    CARDHOLDER = "cardholder", "Cardholder"
    ISSUER = "issuer", "Issuer"


class Source(models.TextChoices):
    API = "api", "Native API"
    MASTERCARD = "mastercard", "Mastercard dialect"
    DECISIONLY = "decisionly", "Decisionly dialect"
    TUTELAR = "tutelar", "Tutelar dialect"
    BACKOFFICE = "backoffice", "Back office"
    IMPORT = "import", "Import"


class TransactionStatus(models.TextChoices):
    SUCCESS = "success", "Success"
    FAILED = "failed", "Failed"
    REFUNDED = "refunded", "Refunded"


class TransactionSystem(models.TextChoices):
    SINGLE_MESSAGE = "single_message", "Single message"
    DUAL_MESSAGE = "dual_message", "Dual message"


class CardType(models.TextChoices):
    CREDIT = "credit", "Credit"
    DEBIT = "debit", "Debit"
    PREPAID = "prepaid", "Prepaid"


class CardholderType(models.TextChoices):
    INDIVIDUAL = "individual", "Individual"
    BUSINESS = "business", "Business"


class EvidenceCategory(models.TextChoices):
    TRANSACTION_RECEIPT = "transaction_receipt", "Transaction receipt"
    PRIOR_TRANSACTION_RECEIPT = "prior_transaction_receipt", "Prior transaction receipt"
    MERCHANT_CORRESPONDENCE = "merchant_correspondence", "Merchant correspondence"
    CARDHOLDER_STATEMENT = "cardholder_statement", "Cardholder statement"
    # The merchant's documents the card network forwards with a representment (SPEC 12).
    MERCHANT_RESPONSE = "merchant_response", "Merchant response"
    OTHER = "other", "Other"


class EventKind(models.TextChoices):
    CREATED = "created", "Created"
    TRANSITION = "transition", "Transition"
    EDIT = "edit", "Edit"
    NOTE = "note", "Note"
    EVIDENCE = "evidence", "Evidence"
    AMOUNT = "amount", "Amount"
    # Consumer regulation (SPEC section 13): clock changes, provisional credit movements, letters
    # sent, and the warnings before a regulatory due date (2 business days; Decisionly's 12 hours).
    REGULATION = "regulation", "Regulation"
    CREDIT = "credit", "Provisional credit"
    LETTER = "letter", "Letter sent"
    REG_DUE_SOON = "reg_due_soon", "Regulatory deadline approaching"
    REG_DUE_12H = "reg_due_12h", "Resolution deadline in 12 hours"
    # The team's work (SPEC section 14): a case taken, assigned, reassigned or unassigned.
    ASSIGNMENT = "assignment", "Assignment"
    # Maker-checker (SPEC section 14): a request for a second person's approval, and its decision.
    APPROVAL = "approval", "Approval"
    # Card networks (SPEC 12): an item read from a network's queue, and the outcome of a submission.
    NETWORK_RESPONSE = "network_response", "Network response received"
    NETWORK_SUBMISSION = "network_filing", "Network submission"


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"


class ClaimStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class ApiScope(models.TextChoices):
    READ = "read", "Read"
    WRITE = "write", "Write"
    MANAGE = "manage", "Manage"


class FeeType(models.TextChoices):
    INCLUDE = "include", "Include"
    EXCLUDE = "exclude", "Exclude"


class FeeAmountType(models.TextChoices):
    PRICE = "price", "Price"
    PERCENTAGE = "percentage", "Percentage"


class ConsumerRegulation(models.TextChoices):
    US = "us", "United States (Reg E and Reg Z)"
    NONE = "none", "None"


class RegulationRule(models.TextChoices):
    REG_E = "reg_e", "Reg E"
    REG_Z = "reg_z", "Reg Z"


class RegulationStatus(models.TextChoices):
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    BREACHED = "breached", "Breached"
    MET = "met", "Met"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


class ProvisionalCreditStatus(models.TextChoices):
    NONE = "none", "None"
    GRANTED = "granted", "Granted"
    FINAL = "final", "Final"
    REVERSED = "reversed", "Reversed"


class LetterKind(models.TextChoices):
    ACKNOWLEDGEMENT = "acknowledgement", "Acknowledgement"
    PROVISIONAL_CREDIT_NOTICE = "provisional_credit_notice", "Provisional credit notice"
    RESULTS = "results", "Results of the investigation"
    PROVISIONAL_CREDIT_REVERSAL = "provisional_credit_reversal", "Provisional credit reversal notice"
    RESOLUTION = "resolution", "Resolution in the cardholder's favour"


DEFAULT_LEVELS = ["level_1", "level_2", "level_3"]


class WebhookFormat(models.TextChoices):
    STANDARD = "standard", "Standard Webhooks"
    DECISIONLY = "decisionly", "Decisionly"


class WebhookEndpointStatus(models.TextChoices):
    ENABLED = "enabled", "Enabled"
    DISABLED = "disabled", "Disabled"


class WebhookDisabledReason(models.TextChoices):
    NONE = "", "-"
    MANUAL = "manual", "Disabled by a person"
    GONE = "gone", "The receiver answered 410 Gone"
    FAILING = "failing", "Every delivery failed for 5 days"


class WebhookDeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed"


class NetworkSubmissionKind(models.TextChoices):
    """What the issuer asks of the network (cases/gateways/base.py FilingKind)."""

    CHARGEBACK = "chargeback", "Chargeback"
    PREARBITRATION = "prearbitration", "Pre-arbitration"
    ARBITRATION = "arbitration", "Arbitration"
    ACCEPT = "accept", "Acceptance of liability"
    WITHDRAW = "withdraw", "Withdrawal"


class NetworkSubmissionState(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENT = "sent", "Sent"  # handed to the network; its answer not recorded yet
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    REJECTED = "rejected", "Rejected"
    FAILED = "failed", "Failed"


class NetworkMessageState(models.TextChoices):
    RECEIVED = "received", "Received"  # stored, not applied yet
    APPLIED = "applied", "Applied"
    UNMATCHED = "unmatched", "Unmatched"
    FAILED = "failed", "Failed"


class NetworkMessageKind(models.TextChoices):
    """What the network tells the issuer (cases/gateways/base.py InboundKind)."""

    REPRESENTMENT = "representment", "Representment"
    PREARB_RECEIVED = "prearb_received", "Pre-arbitration received"
    PREARB_RESPONSE = "prearb_response", "Pre-arbitration response"
    MERCHANT_ACCEPTED = "merchant_accepted", "Merchant accepted"
    RULING_ISSUER = "ruling_issuer", "Ruling for the issuer"
    RULING_MERCHANT = "ruling_merchant", "Ruling for the merchant"
