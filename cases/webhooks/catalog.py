"""The webhook event catalog (SPEC section 11): the event types, which audit event sends which,
and the Decisionly format's names for them (REFERENCE section 2, https://docs.decisionly.com/webhooks).

Extend the tables here when a feature adds an event: a new `CaseEvent` kind maps to its type in
`TYPE_FOR_KIND`; a type sent without an audit event (a reminder) is only listed in `EVENT_TYPES`.
"""

from cases.choices import EventKind

CASE_CREATED = "case.created"
CASE_UPDATED = "case.updated"
CASE_STATUS_CHANGED = "case.status_changed"
CASE_EVIDENCE_ADDED = "case.evidence_added"
CASE_NETWORK_RESPONSE_RECEIVED = "case.network_response_received"  # SPEC 12
CASE_DEADLINE_APPROACHING = "case.deadline_approaching"  # 72 h and 24 h before next_deadline
CASE_PROVISIONAL_CREDIT_CHANGED = "case.provisional_credit_changed"  # SPEC 13
CASE_REGULATORY_DEADLINE_APPROACHING = "case.regulatory_deadline_approaching"  # SPEC 13
CASE_LETTER_SENT = "case.letter_sent"  # SPEC 13

EVENT_TYPES = (
    CASE_CREATED, CASE_UPDATED, CASE_STATUS_CHANGED, CASE_EVIDENCE_ADDED, CASE_NETWORK_RESPONSE_RECEIVED,
    CASE_DEADLINE_APPROACHING, CASE_PROVISIONAL_CREDIT_CHANGED, CASE_REGULATORY_DEADLINE_APPROACHING,
    CASE_LETTER_SENT,
)

# CaseEvent kind -> webhook type. A kind missing here (team notes) is never sent.
TYPE_FOR_KIND = {
    EventKind.CREATED: CASE_CREATED,
    EventKind.TRANSITION: CASE_STATUS_CHANGED,
    EventKind.EDIT: CASE_UPDATED,
    EventKind.AMOUNT: CASE_UPDATED,
    EventKind.ASSIGNMENT: CASE_UPDATED,
    EventKind.EVIDENCE: CASE_EVIDENCE_ADDED,
    # Consumer regulation (SPEC 13): ledger movements, letters sent, and the warnings before a
    # regulatory due date (2 business days; Decisionly's 12 hours, `hours_before` 12 in its changes).
    EventKind.CREDIT: CASE_PROVISIONAL_CREDIT_CHANGED,
    EventKind.LETTER: CASE_LETTER_SENT,
    EventKind.REG_DUE_SOON: CASE_REGULATORY_DEADLINE_APPROACHING,
    EventKind.REG_DUE_12H: CASE_REGULATORY_DEADLINE_APPROACHING,
    # Maker-checker (SPEC 14): a request waiting for approval and its decision (an approved action
    # sends its own event too).
    EventKind.APPROVAL: CASE_UPDATED,
    # Card networks (SPEC 12): each item read from a network's queue; a submission's outcome (the
    # network's reference and claim id, a refusal) is a change of the case.
    EventKind.NETWORK_RESPONSE: CASE_NETWORK_RESPONSE_RECEIVED,
    EventKind.NETWORK_SUBMISSION: CASE_UPDATED,
}

# Decisionly sends one event per lifecycle status it knows (v2: one per terminal status).
DECISIONLY_STATUS_EVENTS = frozenset({
    "chargeback_filed", "chargeback_represented", "prearb_filed", "won", "lost", "accepted", "rejected",
    "expired", "withdrawn", "merchant_credited",
})
DECISIONLY_REVIEW_EVENTS = frozenset({"chargeback_needs_review", "representment_needs_review"})


def decisionly_type(event_type: str, data: dict, changes: dict | None = None) -> str | None:
    """The Decisionly name of an event, or None when Decisionly has no such event (not sent)."""
    if event_type == CASE_CREATED:
        return "case.created"
    if event_type == CASE_STATUS_CHANGED and data.get("status") in DECISIONLY_STATUS_EVENTS:
        return f"case.{data['status']}"
    if event_type == CASE_UPDATED and changes:
        review = (changes.get("review_status") or {}).get("after")
        if review in DECISIONLY_REVIEW_EVENTS:
            return f"case.{review}"
    if event_type == CASE_REGULATORY_DEADLINE_APPROACHING and 12 in (data.get("hours_before"),
                                                                     (changes or {}).get("hours_before")):
        # Decisionly's own reminder is 12 h before the Reg E / Reg Z resolution deadline.
        return "case.resolution_deadline_approaching"
    return None


def subscribed(events: list, event_type: str) -> bool:
    return not events or event_type in events
