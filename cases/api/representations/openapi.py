"""Serializers that only describe the native API in its OpenAPI document (drf-spectacular).

Requests are parsed by the pure functions of cases.wire (case_shape, transaction_shape); these classes keep the
published schema in step with them (tests/api/test_schema.py compares real responses to them).
"""

from rest_framework import serializers as s

from cases.approval_rules import ACTIONS as APPROVAL_ACTIONS
from cases.choices import (
    ApprovalStatus,
    CardholderType,
    CardType,
    CaseStatus,
    DisputeType,
    EventKind,
    EvidenceCategory,
    LetterKind,
    NetworkMessageKind,
    NetworkMessageState,
    NetworkSubmissionKind,
    NetworkSubmissionState,
    ProvisionalCreditStatus,
    RaisedBy,
    Reason,
    RegulationRule,
    RegulationStatus,
    Source,
    TransactionStatus,
    TransactionSystem,
)
from cases.lifecycle import TRANSITIONS
from cases.limits import MAX_INT, NETWORKS


class FieldErrorDoc(s.Serializer):
    field = s.CharField(help_text="Dotted path of the field at fault, e.g. transaction.amount.")
    code = s.CharField()
    message = s.CharField()


class Problem(s.Serializer):
    type = s.CharField(help_text="urn:disputes:problem:<code>")
    title = s.CharField()
    status = s.IntegerField()
    detail = s.CharField()
    code = s.CharField(help_text="invalid_request, validation_error, authentication_failed, permission_denied, "
                                 "not_found, open_case_exists, case_id_taken, transition_not_allowed, "
                                 "transition_condition_failed, idempotency_key_reused, idempotency_key_in_use, "
                                 "pan_detected, file_too_large, unsupported_file_type, precondition_failed, throttled, "
                                 "submission_not_retryable")
    errors = FieldErrorDoc(many=True)
    case_id = s.CharField(required=False, help_text="open_case_exists: the open case.")
    current_status = s.CharField(required=False, help_text="transition_not_allowed")
    allowed_transitions = s.ListField(child=s.CharField(), required=False, help_text="transition_not_allowed")
    state = s.CharField(required=False, help_text="submission_not_retryable: the submission's state.")


class BillingAddress(s.Serializer):
    line1 = s.CharField(required=False, allow_null=True)
    line2 = s.CharField(required=False, allow_null=True)
    city = s.CharField(required=False, allow_null=True)
    state = s.CharField(required=False, allow_null=True)
    postal_code = s.CharField(required=False, allow_null=True)
    country = s.CharField(required=False, allow_null=True, help_text="ISO 3166-1 alpha-2")


class Cardholder(s.Serializer):
    name = s.CharField()
    email = s.EmailField(required=False, allow_null=True)
    issuer_id = s.CharField(required=False, allow_null=True, help_text="Your id; matches a stored cardholder.")
    type = s.ChoiceField(CardholderType.choices, required=False)
    mobile = s.CharField(required=False, allow_null=True)
    billing_address = BillingAddress(required=False)
    account_opened_on = s.DateField(required=False, allow_null=True,
                                    help_text="Reg E: a transfer within 30 days of the first deposit has longer clocks.")
    billing_cycle_day = s.IntegerField(required=False, allow_null=True, min_value=1, max_value=31,
                                       help_text="Reg Z: the day of the month the statement closes.")


class Merchant(s.Serializer):
    name = s.CharField()
    category_code = s.CharField(required=False, allow_null=True, help_text="MCC, 4 digits")
    issuer_id = s.CharField(required=False, allow_null=True, help_text="Your id; matches a stored merchant.")
    business_name = s.CharField(required=False, allow_null=True)
    chargeback_email = s.EmailField(required=False, allow_null=True)
    mobile = s.CharField(required=False, allow_null=True)


class Card(s.Serializer):
    network = s.ChoiceField(NETWORKS, required=False, allow_null=True)
    last4 = s.CharField(required=False, allow_null=True, help_text="Never a full card number.")
    expiry_month = s.IntegerField(required=False, allow_null=True, min_value=1, max_value=12)
    expiry_year = s.IntegerField(required=False, allow_null=True)
    type = s.ChoiceField(CardType.choices, required=False, allow_null=True)
    issuer_id = s.CharField(required=False, allow_null=True)


class Transaction(s.Serializer):
    arn = s.CharField(required=False, allow_null=True)
    switch_serial_number = s.CharField(required=False, allow_null=True)
    issuer_id = s.CharField(required=False, allow_null=True)
    date = s.DateTimeField()
    amount = s.IntegerField(min_value=1, max_value=MAX_INT, help_text="Minor units: 299 is 2.99 USD.")
    currency = s.CharField(help_text="ISO 4217")
    system = s.ChoiceField(TransactionSystem.choices, required=False, allow_null=True)
    card = Card(required=False)


class StoreExtras(s.Serializer):
    external_id = s.CharField(required=False, allow_null=True)
    status = s.ChoiceField(TransactionStatus.choices, required=False)
    gateway_order_id = s.CharField(required=False, allow_null=True)
    payment_instrument_id = s.CharField(required=False, allow_null=True)
    payment_type = s.CharField(required=False, allow_null=True)
    acquirer_bank_code = s.CharField(required=False, allow_null=True)
    remitter_bank = s.CharField(required=False, allow_null=True)
    nodal_account_number = s.CharField(required=False, allow_null=True)


class StoreFields(StoreExtras):
    financial_document_id = s.IntegerField(required=False, min_value=1, max_value=MAX_INT,
                                           help_text="Assigned when not given.")


class CaseTransaction(Transaction, StoreExtras):
    """A case's transaction: Decisionly's object plus the store's own fields."""


class StoredTransaction(Transaction, StoreFields):
    program_id = s.CharField(required=False, max_length=126, write_only=True,
                             help_text="API keys: their own program (or omit it). Session users: required.")
    merchant = Merchant(required=False, allow_null=True)
    cardholder = Cardholder(required=False, allow_null=True)
    created = s.DateTimeField(read_only=True)


class Dispute(s.Serializer):
    date = s.DateTimeField(required=False)
    amount = s.IntegerField(required=False, min_value=1, max_value=MAX_INT,
                            help_text="Minor units; the whole transaction amount when omitted.")
    currency = s.CharField(required=False)
    raised_by = s.ChoiceField(RaisedBy.choices, required=False)


class CaseCreate(s.Serializer):
    reason = s.ChoiceField(Reason.choices, required=False, help_text="Required unless network_reason_code is given.")
    network_reason_code = s.CharField(required=False, help_text="e.g. 4855 or 13.1; gives the reason.")
    cardholder = Cardholder(required=False)
    merchant = Merchant(required=False)
    transaction = CaseTransaction(required=False, help_text="Required unless financial_document_id is given; "
                                                        "needs arn or switch_serial_number.")
    financial_document_id = s.IntegerField(required=False, min_value=1, max_value=MAX_INT,
                                           help_text="A stored transaction instead of `transaction`.")
    dispute = Dispute(required=False)
    issuer_evidence = s.JSONField(required=False)
    custom_fields = s.DictField(child=s.CharField(), required=False, help_text="At most 25 string pairs.")
    case_id = s.CharField(required=False, help_text="Letters, digits, _ and -; generated when omitted.")
    program_id = s.CharField(required=False, max_length=126,
                             help_text="API keys: their own program (or omit it). Session users: required.")
    dispute_type = s.ChoiceField(DisputeType.choices, required=False)
    level = s.CharField(required=False)
    internal_due_date = s.DateField(required=False)
    due_date = s.DateField(required=False)
    cardholder_notified_at = s.DateTimeField(required=False, help_text=(
        "When the cardholder told the issuer (starts the Reg E / Reg Z clocks); not in the future, not before "
        "the transaction. Default: the creation time."))


class Regulation(s.Serializer):
    rule = s.ChoiceField(RegulationRule.choices, allow_null=True,
                         help_text="reg_e (consumer debit/prepaid), reg_z (consumer credit) or null.")
    notice_received_at = s.DateTimeField(allow_null=True)
    provisional_credit_due = s.DateField(allow_null=True, help_text="Reg E: notice + 10 (new account 20) business days.")
    provisional_credit_notice_due = s.DateField(allow_null=True, help_text="Reg E: credit + 2 business days.")
    investigation_due = s.DateField(allow_null=True, help_text=(
        "Reg E: notice + 45 days (90 for point-of-sale, foreign, new account) while credit came in time; "
        "else the provisional credit due date."))
    results_notice_due = s.DateField(allow_null=True, help_text="Reg E: investigation finished + 3 business days.")
    acknowledgement_due = s.DateField(allow_null=True, help_text="Reg Z: notice + 30 days.")
    resolution_due = s.DateField(allow_null=True, help_text="Reg Z: two complete billing cycles, at most 90 days.")
    status = s.ChoiceField(RegulationStatus.choices)


class ProvisionalCredit(s.Serializer):
    amount = s.IntegerField(help_text="Minor units.")
    status = s.ChoiceField(ProvisionalCreditStatus.choices)
    granted_at = s.DateTimeField(allow_null=True)
    reversal_effective_on = s.DateField(allow_null=True)


class Liability(s.Serializer):
    original = s.IntegerField(help_text="The disputed amount; recovered + written_off + denied + remaining.")
    recovered = s.IntegerField()
    written_off = s.IntegerField()
    denied = s.IntegerField()
    remaining = s.IntegerField()


class ProvisionalCreditRequest(s.Serializer):
    action = s.ChoiceField([("grant", "grant"), ("reverse", "reverse"), ("make_final", "make_final")])
    amount = s.IntegerField(required=False, min_value=1, help_text="grant only; default the disputed amount.")
    note = s.CharField(required=False)


class Letter(s.Serializer):
    id = s.IntegerField()
    kind = s.ChoiceField(LetterKind.choices)
    due = s.DateField(allow_null=True)
    sent_at = s.DateTimeField(allow_null=True)
    download_url = s.CharField(allow_null=True, help_text="The PDF, once the letter is sent.")
    created = s.DateTimeField()


class Case(s.Serializer):
    case_id = s.CharField()
    claim_id = s.CharField(allow_null=True)
    program_id = s.CharField()
    reason = s.ChoiceField(Reason.choices)
    cardholder = Cardholder(allow_null=True)
    merchant = Merchant(allow_null=True)
    transaction = Transaction()
    dispute = Dispute()
    issuer_evidence = s.JSONField()
    custom_fields = s.DictField(child=s.CharField())
    status = s.ChoiceField(CaseStatus.choices)
    review_status = s.CharField(allow_null=True)
    created = s.DateTimeField()
    chargeback_due_date = s.DateTimeField(allow_null=True)
    number = s.IntegerField()
    network = s.CharField(allow_null=True)
    network_reason_code = s.CharField(allow_null=True)
    network_reason_description = s.CharField(allow_null=True)
    dispute_type = s.ChoiceField(DisputeType.choices)
    level = s.CharField()
    assignee = s.CharField(allow_null=True, help_text="The username of the person working the case; null: unassigned.")
    internal_due_date = s.DateField(allow_null=True)
    due_date = s.DateField(allow_null=True)
    response_due_date = s.DateField(allow_null=True)
    next_deadline = s.DateField(allow_null=True)
    financial_document_id = s.IntegerField()
    source = s.ChoiceField(Source.choices)
    version = s.IntegerField()
    updated = s.DateTimeField()
    regulation = Regulation()
    provisional_credit = ProvisionalCredit()
    liability = Liability()


class CasePatch(s.Serializer):
    level = s.CharField(required=False, help_text="`manage` scope.")
    internal_due_date = s.DateField(required=False, allow_null=True, help_text="`manage` scope.")
    due_date = s.DateField(required=False, allow_null=True, help_text="`manage` scope.")
    custom_fields = s.DictField(child=s.CharField(allow_null=True), required=False,
                                help_text="Merged; a null value removes the key.")
    issuer_evidence = s.JSONField(required=False, help_text="Replaced; only while the case is `created`.")
    cardholder_notified_at = s.DateTimeField(required=False, help_text="Moves the regulatory clocks.")
    note = s.CharField(required=False)


class TransitionRequest(s.Serializer):
    transition = s.ChoiceField(TRANSITIONS)
    note = s.CharField(required=False)


class UnmetCondition(s.Serializer):
    condition = s.CharField()
    message = s.CharField()


class AvailableTransition(s.Serializer):
    transition = s.ChoiceField(TRANSITIONS)
    label = s.CharField()
    available = s.BooleanField()
    unmet_conditions = UnmetCondition(many=True)


class AvailableTransitions(s.Serializer):
    status = s.ChoiceField(CaseStatus.choices)
    data = AvailableTransition(many=True)


class Event(s.Serializer):
    id = s.IntegerField()
    kind = s.ChoiceField(EventKind.choices)
    transition = s.CharField(allow_null=True)
    from_status = s.CharField(allow_null=True)
    to_status = s.CharField(allow_null=True)
    changes = s.JSONField()
    note = s.CharField(allow_null=True)
    actor = s.CharField()
    request_id = s.CharField(allow_null=True)
    created = s.DateTimeField()


class ApprovalRequest(s.Serializer):
    """A maker-checker request (SPEC 14): answered with 202 when the program needs a second person."""

    id = s.IntegerField()
    object = s.ChoiceField(["approval_request"])
    case_id = s.CharField()
    action = s.ChoiceField(APPROVAL_ACTIONS)
    status = s.ChoiceField(ApprovalStatus.choices)
    reason = s.CharField()
    requested_by = s.CharField(help_text="user:<username> or api_key:<prefix>")
    requested_at = s.DateTimeField()
    decided_by = s.CharField(allow_null=True)
    decided_at = s.DateTimeField(allow_null=True)
    decision_note = s.CharField(allow_null=True)
    url = s.CharField()


class Note(s.Serializer):
    id = s.IntegerField(read_only=True)
    note = s.CharField()
    actor = s.CharField(read_only=True)
    created = s.DateTimeField(read_only=True)


class TrustedAmount(s.Serializer):
    amount = s.IntegerField(min_value=1, max_value=MAX_INT,
                            help_text="The corrected disputed total in minor units, not a difference.")
    currency = s.CharField()
    note = s.CharField(required=False)


class EvidenceUpload(s.Serializer):
    file = s.FileField(help_text="PDF, JPEG, PNG or TIFF (checked by content), at most 5 MiB.")
    category = s.ChoiceField(EvidenceCategory.choices, required=False)
    description = s.CharField(required=False)


class Evidence(s.Serializer):
    id = s.IntegerField()
    category = s.ChoiceField(EvidenceCategory.choices)
    name = s.CharField()
    description = s.CharField(allow_null=True)
    content_type = s.CharField()
    size = s.IntegerField()
    sha256 = s.CharField()
    uploaded_by = s.CharField()
    created = s.DateTimeField()
    download_url = s.CharField()


class ListedMerchant(Merchant):
    id = s.IntegerField()


class ListedCardholder(Cardholder):
    id = s.IntegerField()


class ClaimCase(s.Serializer):
    case_id = s.CharField()


class Claim(s.Serializer):
    claim_id = s.CharField()
    program_id = s.CharField()
    status = s.CharField()
    cases = ClaimCase(many=True)
    created = s.DateTimeField()
    updated = s.DateTimeField()


class ClaimCreate(s.Serializer):
    case_ids = s.ListField(child=s.CharField())
    claim_id = s.CharField(required=False)
    program_id = s.CharField(required=False, max_length=126)


class ReasonCode(s.Serializer):
    network = s.CharField()
    code = s.CharField()
    reason = s.ChoiceField(Reason.choices)
    description = s.CharField()


class PackagingProblem(s.Serializer):
    evidence_id = s.IntegerField(allow_null=True, help_text="null: a rule about the submission as a whole "
                                                            "(the total size).")
    name = s.CharField(allow_null=True, help_text="The evidence file's name.")
    problem = s.CharField(help_text="The network's rule it breaks, in plain words.")


class SubmittedFile(s.Serializer):
    evidence_id = s.IntegerField()
    name = s.CharField(help_text="The name as sent (the network's naming rules applied).")
    original_name = s.CharField()
    content_type = s.CharField()
    size = s.IntegerField(help_text="Bytes, as sent (a resampled image is smaller).")


class NetworkSubmission(s.Serializer):
    """One filing sent (or to be sent) to the card network through the outbox (SPEC 12)."""

    id = s.IntegerField()
    object = s.ChoiceField(["network_submission"])
    case_id = s.CharField()
    kind = s.ChoiceField(NetworkSubmissionKind.choices)
    network = s.CharField()
    state = s.ChoiceField(NetworkSubmissionState.choices, help_text=(
        "queued -> sent -> acknowledged, or rejected (the network refused it, or the evidence breaks its rules: "
        "nothing was sent), or failed (no answer after every attempt)."))
    client_reference = s.CharField(help_text="The issuer's id of the filing, stable across automatic retries.")
    network_reference = s.CharField(allow_null=True, help_text="The network's id of the filing once acknowledged.")
    amount = s.IntegerField(help_text="The filed amount, minor units.")
    currency = s.CharField()
    attempts = s.IntegerField()
    last_error = s.CharField(allow_null=True)
    packaging_problems = PackagingProblem(many=True)
    files = SubmittedFile(many=True)
    retryable = s.BooleanField(help_text="Whether its state allows a retry (POST its retry_url); who may retry is "
                                         "whoever may run the step that wrote it.")
    retry_url = s.CharField()
    created = s.DateTimeField()
    sent_at = s.DateTimeField(allow_null=True)
    settled_at = s.DateTimeField(allow_null=True)


class SubmissionRetry(s.Serializer):
    note = s.CharField(required=False, help_text="Why it is sent again (kept on the audit event).")


class NetworkDocument(s.Serializer):
    name = s.CharField()
    content_type = s.CharField()
    size = s.IntegerField()
    evidence_id = s.IntegerField(allow_null=True, help_text="The evidence file it became (merchant_response).")
    refused = s.CharField(allow_null=True, help_text="Why it was not added to the case.")
    download_url = s.CharField(allow_null=True)


class NetworkMessage(s.Serializer):
    """One item read from the network's queues about the case (SPEC 12)."""

    id = s.IntegerField()
    object = s.ChoiceField(["network_message"])
    case_id = s.CharField()
    network = s.CharField()
    message_id = s.CharField(help_text="The network's id of the item.")
    queue = s.CharField(allow_null=True)
    kind = s.ChoiceField(NetworkMessageKind.choices, allow_null=True)
    state = s.ChoiceField(NetworkMessageState.choices, help_text=(
        "applied (the case moved), unmatched (it does not fit the case: `error` says why), failed, or received "
        "(not applied yet)."))
    claim_id = s.CharField(allow_null=True)
    network_case_id = s.CharField(allow_null=True)
    amount = s.IntegerField(allow_null=True, help_text="Minor units: the represented or pre-arbitration amount.")
    currency = s.CharField(allow_null=True)
    reason = s.CharField(allow_null=True, help_text="The network's words.")
    error = s.CharField(allow_null=True)
    documents = NetworkDocument(many=True)
    received = s.DateTimeField()
    applied_at = s.DateTimeField(allow_null=True)


def page_of(item: type[s.Serializer]) -> type[s.Serializer]:
    """`{"has_more", "data": [item]}`, named <Item>Page."""
    return type(f"{item.__name__}Page", (s.Serializer,), {
        "has_more": s.BooleanField(), "data": item(many=True), "__module__": __name__,
        "__doc__": f"A page of {item.__name__} objects (cursor pagination)."})
