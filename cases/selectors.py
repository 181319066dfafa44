"""Reads. Every query a door makes for cases goes through here, scoped to what the caller may see."""

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from cases.actors import Actor
from cases.choices import ApprovalStatus, NetworkMessageState, NetworkSubmissionState
from cases.exceptions import (
    ApprovalRequestNotFound,
    CaseNotFound,
    ClaimNotFound,
    EvidenceNotFound,
    LetterNotFound,
    NetworkMessageNotFound,
    NetworkSubmissionNotFound,
    TransactionNotFound,
)
from cases.limits import MAX_INT
from cases.models import (
    ApprovalRequest,
    Cardholder,
    Case,
    CaseEvent,
    Claim,
    Evidence,
    Letter,
    Merchant,
    NetworkMessage,
    NetworkSubmission,
    Program,
    Transaction,
)


def programs_for(actor: Actor) -> QuerySet:
    """An API key sees its own program only; back-office users (the issuer's team) see every program."""
    if actor.api_key is not None:
        return Program.objects.filter(pk=actor.api_key.program_id)
    return Program.objects.all()


def _scoped(qs: QuerySet, actor: Actor, program_field: str = "program") -> QuerySet:
    if actor.api_key is not None:
        return qs.filter(**{f"{program_field}_id": actor.api_key.program_id})
    return qs


def case_queryset(actor: Actor) -> QuerySet:
    """Cases with what a list row shows, joined in one query.

    An API key's cases come through its program's reverse manager: every row carries the key's
    program object without joining the program table.
    """
    if actor.api_key is not None:
        base = actor.api_key.program.cases.all()
    else:
        base = Case.objects.select_related("program")
    return base.select_related("claim", "transaction", "transaction__merchant", "transaction__cardholder", "assignee")


def case_get(actor: Actor, case_id: str) -> Case:
    case = case_queryset(actor).filter(case_id=case_id).first() if isinstance(case_id, str) else None
    if case is None:
        raise CaseNotFound(f"No case {str(case_id)[:126]!r}.")
    return case


def case_get_by_number(actor: Actor, number) -> Case:
    try:
        number = int(number)
    except (TypeError, ValueError):
        raise CaseNotFound("No such case.") from None
    # The number is the primary key: no ORDER BY (`.first()` would sort by the queue order), which
    # makes PostgreSQL's plan of this six-table join cheaper.
    case = case_queryset(actor).filter(number=number).order_by()[:1] if 0 < number <= MAX_INT else []
    if not case:
        raise CaseNotFound(f"No case {number}.")
    return case[0]


def case_events(case: Case) -> QuerySet:
    return CaseEvent.objects.filter(case=case).order_by("created", "id")


def case_notes(case: Case) -> QuerySet:
    return case_events(case).filter(kind="note")


def case_timeline(case: Case) -> QuerySet:
    """The case's events, oldest first, as plain rows of what the back-office timeline shows.

    Rows, not model instances: a busy case has fifty events or more, and the page needs neither
    the instances nor the user or API key behind each `actor` label.
    """
    return case_events(case).values("kind", "created", "actor", "note", "transition", "from_status", "to_status",
                                    "changes")


def case_evidence_files(case: Case) -> QuerySet:
    """The case's evidence files, oldest first, as plain rows of what the back office lists."""
    return Evidence.objects.filter(case=case).order_by("created", "id").values(
        "id", "original_name", "content_type", "category", "size", "created", "uploaded_by", "description", "sha256",
        "file")


def evidence_get(case: Case, evidence_id) -> Evidence:
    try:
        return Evidence.objects.get(case=case, pk=int(evidence_id))
    except (Evidence.DoesNotExist, TypeError, ValueError):
        raise EvidenceNotFound("No such evidence file.") from None


def case_letters(case: Case) -> QuerySet:
    """The case's letters, oldest first, without their PDFs."""
    return Letter.objects.filter(case=case).defer("pdf").order_by("created", "id")


def letter_get(case: Case, letter_id) -> Letter:
    letter = Letter.objects.filter(case=case, pk=letter_id).first() if letter_id else None
    if letter is None:
        raise LetterNotFound("No such letter.")
    return letter


def transaction_queryset(actor: Actor) -> QuerySet:
    return _scoped(Transaction.objects.select_related("merchant", "cardholder", "program"), actor)


def transaction_get(actor: Actor, financial_document_id) -> Transaction:
    try:
        fdid = int(financial_document_id)
    except (TypeError, ValueError):
        raise TransactionNotFound("No such transaction.") from None
    txn = transaction_queryset(actor).filter(financial_document_id=fdid).first() if 0 < fdid <= MAX_INT else None
    if txn is None:
        raise TransactionNotFound(f"No transaction with financial document id {fdid}.")
    return txn


def merchant_queryset(actor: Actor) -> QuerySet:
    return _scoped(Merchant.objects.all(), actor)


def cardholder_queryset(actor: Actor) -> QuerySet:
    return _scoped(Cardholder.objects.all(), actor)


def claim_queryset(actor: Actor) -> QuerySet:
    return _scoped(Claim.objects.select_related("program").prefetch_related(
        Prefetch("cases", queryset=Case.objects.only("number", "case_id", "claim_id"))), actor)


def claim_get(actor: Actor, claim_id: str) -> Claim:
    claim = claim_queryset(actor).filter(claim_id=claim_id).first() if isinstance(claim_id, str) else None
    if claim is None:
        raise ClaimNotFound(f"No claim {str(claim_id)[:126]!r}.")
    return claim


# Above this many rows the per-status counts of a queue come from the planner's statistics.
EXACT_COUNT_LIMIT = 50_000


def case_status_counts(queryset: QuerySet) -> tuple[dict[str, int], bool]:
    """Cases per status in `queryset`, and whether the figures are estimates.

    Exact (one GROUP BY) while the set is small. On PostgreSQL a large set, such as a whole
    million-case book, is counted from the planner's statistics instead: its row estimate for the
    filtered set, split by the status frequencies ANALYZE keeps. A GROUP BY over a million rows
    would cost many times the page of rows it sits above.
    """
    queryset = queryset.order_by()
    if connection.vendor == "postgresql":
        rows = _planner_rows(queryset)
        frequencies = _status_frequencies() if rows > EXACT_COUNT_LIMIT else {}
        if frequencies:
            return {status: round(rows * share) for status, share in frequencies.items()}, True
    counted = queryset.values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in counted}, False


def _planner_rows(queryset: QuerySet) -> int:
    sql, params = queryset.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    return int(plan[0]["Plan"]["Plan Rows"])


def _status_frequencies() -> dict[str, float]:
    """Each status's share of all cases, from pg_stats (empty until the table is analyzed)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT most_common_vals::text::text[], most_common_freqs FROM pg_stats "
                       "WHERE schemaname = current_schema() AND tablename = %s AND attname = 'status'",
                       [Case._meta.db_table])
        row = cursor.fetchone()
    if not row or not row[0]:
        return {}
    total = sum(row[1]) or 1.0
    return {status: share / total for status, share in zip(row[0], row[1], strict=True)}


# --- Maker-checker (SPEC section 14) ---------------------------------------------------------------

def approvals_pending(actor: Actor) -> QuerySet:
    """Requests waiting for a second person, oldest first, with their case and its program."""
    return _scoped(ApprovalRequest.objects.filter(status=ApprovalStatus.PENDING), actor, "case__program").select_related(
        "case", "case__program").order_by("requested_at", "id")


def pending_approvals_count(actor: Actor) -> int:
    """How many requests wait for approval (the manager view's figure)."""
    return approvals_pending(actor).count()


def case_approvals_pending(case: Case) -> QuerySet:
    return case.approval_requests.filter(status=ApprovalStatus.PENDING).order_by("requested_at", "id")


def approval_get(actor: Actor, request_id) -> ApprovalRequest:
    try:
        return _scoped(ApprovalRequest.objects.select_related("case", "case__program"), actor,
                       "case__program").get(pk=int(request_id))
    except (ApprovalRequest.DoesNotExist, TypeError, ValueError):
        raise ApprovalRequestNotFound() from None


# --- Card networks (SPEC section 12) ----------------------------------------------------------------

def case_network_submissions(case: Case) -> QuerySet:
    """The case's submissions to its network, oldest first (each row's `case` is this case)."""
    return case.network_submissions.order_by("created", "id")


def case_network_messages(case: Case) -> QuerySet:
    """What the network sent about the case, oldest first, without the raw item as received."""
    return case.network_messages.defer("raw").order_by("received", "id")


def _row_id(value) -> int:
    """A row id from a URL: a positive number that fits a 64-bit column, else ValueError."""
    number = int(value)
    if not 0 < number <= MAX_INT:
        raise ValueError(value)
    return number


def network_submission_get(case: Case, submission_id) -> NetworkSubmission:
    try:
        return case.network_submissions.get(pk=_row_id(submission_id))
    except (NetworkSubmission.DoesNotExist, TypeError, ValueError):
        raise NetworkSubmissionNotFound(f"No network submission {str(submission_id)[:20]} on this case.") from None


# Submissions a supervisor looks at: refused or failed, or still retrying after an unknown outcome.
SUBMISSION_EXCEPTION = Q(state__in=[NetworkSubmissionState.FAILED, NetworkSubmissionState.REJECTED]) | (
    Q(state__in=[NetworkSubmissionState.QUEUED, NetworkSubmissionState.SENT], attempts__gt=0) & ~Q(last_error=""))
MESSAGE_EXCEPTION_STATES = (NetworkMessageState.UNMATCHED, NetworkMessageState.FAILED)


def network_submission_exceptions(actor: Actor) -> QuerySet:
    """Failed, refused and retrying submissions across the programs the actor sees, newest first,
    with their case and program in the same query. A refused or failed row that a later submission
    of the same step and case replaced (the case was corrected and filed again) is left out."""
    later = NetworkSubmission.objects.filter(case=OuterRef("case"), kind=OuterRef("kind"), pk__gt=OuterRef("pk"))
    return (_scoped(NetworkSubmission.objects.filter(SUBMISSION_EXCEPTION), actor, "case__program")
            .filter(~Exists(later)).select_related("case", "case__program").order_by("-created", "-id"))


def network_message_exceptions(actor: Actor) -> QuerySet:
    """Unmatched and failed network messages, newest first, with their case (if any) and program.
    A message matched to no case belongs to no program: only back-office users (every program) see it."""
    queryset = NetworkMessage.objects.filter(state__in=MESSAGE_EXCEPTION_STATES)
    if actor.api_key is not None:
        queryset = queryset.filter(case__program_id=actor.api_key.program_id)
    return queryset.select_related("case", "case__program").defer("raw").order_by("-received", "-id")


def network_message_get(actor: Actor, message_id) -> NetworkMessage:
    try:
        queryset = NetworkMessage.objects.select_related("case").defer("raw")
        if actor.api_key is not None:
            queryset = queryset.filter(case__program_id=actor.api_key.program_id)
        return queryset.get(pk=_row_id(message_id))
    except (NetworkMessage.DoesNotExist, TypeError, ValueError):
        raise NetworkMessageNotFound("No such network message.") from None
