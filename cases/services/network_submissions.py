"""Submitting to the card networks (SPEC section 12): outbox rows written with their transition,
sent exactly once through the network's gateway (cases/gateways/).

1. **Write.** `submission_for_transition` runs inside `run_transition` (cases/services/transitions.py),
   the one place every door's transition goes through: `file_chargeback`, `file_prearbitration`,
   `file_arbitration` and, once the network knows the case, `accept` and `withdraw` write a
   `NetworkSubmission` in the transition's transaction, for the networks that have a registered
   gateway. The case's evidence is checked against the network's packaging rules there and then:
   a file that breaks them is named on the submission (and so on the case page), and nothing is sent.
2. **Send.** `submissions_send(ids, token)` is the outbox handler (cases/services/outbox.py). Per
   row: wait for the case's earlier submissions; package the evidence; record the attempt
   (`attempts + 1`, state `sent`) in its own committed transaction; on a row already attempted,
   ask the network first (`lookup` by the client reference) and send only when the network does not
   hold it; send; record the outcome. A worker killed between sending and recording leaves a `sent`
   row whose lease runs out: the relay hands it out again and the lookup finds the filing, so the
   network receives it once.
3. **Outcome.** Accepted: `acknowledged`, the network's reference, the case's claim id. A refused
   chargeback: `rejected` and the case goes back to `created` for review (`record_filing_rejected`,
   the network's reason as the note). Other refusals: `rejected`, shown with "retry"
   (`submission_retry`) after correction. Unknown outcome (`GatewayError`): retried with backoff,
   then `failed` after NETWORK_SUBMISSION_MAX_ATTEMPTS attempts, and retryable by a person.
"""

import hashlib
import json
import logging
from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from cases import gateways, lifecycle
from cases.actors import Actor
from cases.choices import (
    CaseStatus,
    EventKind,
    EvidenceCategory,
    NetworkSubmissionKind,
    NetworkSubmissionState,
)
from cases.exceptions import PermissionDenied, SubmissionNotRetryable, TransitionNotAllowed
from cases.gateways.base import Document, Filing, FilingResult, GatewayError, PackagingError
from cases.models import Case, CaseEvent, Evidence, NetworkMessage, NetworkSubmission
from cases.services import outbox
from cases.services.events import event_record, event_record_many
from cases.services.network_inbound import messages_for_new_claims
from cases.services.rows import update_rows

logger = logging.getLogger(__name__)

# Transition -> what the network is told.
KIND_FOR_TRANSITION = {
    "file_chargeback": NetworkSubmissionKind.CHARGEBACK,
    "file_prearbitration": NetworkSubmissionKind.PREARBITRATION,
    "file_arbitration": NetworkSubmissionKind.ARBITRATION,
    "accept": NetworkSubmissionKind.ACCEPT,
    "withdraw": NetworkSubmissionKind.WITHDRAW,
}
# Which transition a person needs to resubmit a submission of each kind.
TRANSITION_FOR_KIND = {kind: name for name, kind in KIND_FOR_TRANSITION.items()}
# Where a filing leaves the case: it is retried only while the case is still there.
STATUS_AFTER_FILING = {
    NetworkSubmissionKind.CHARGEBACK: CaseStatus.CHARGEBACK_FILED,
    NetworkSubmissionKind.PREARBITRATION: CaseStatus.PREARB_FILED,
    NetworkSubmissionKind.ARBITRATION: CaseStatus.ARBITRATION_FILED,
}
# After an unknown outcome (timeout, 5xx): try again after these delays, then give up (`failed`).
RETRY_DELAYS = (timedelta(seconds=10), timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30),
                timedelta(hours=2))
# A submission waiting behind an earlier one of the same case is looked at again after this long.
WAIT_FOR_EARLIER = timedelta(seconds=5)
UNSETTLED = (NetworkSubmissionState.QUEUED, NetworkSubmissionState.SENT)
MAX_ERROR = 1000
SEND_CHUNK = 50  # ids per send task: one take, one round of sends on the thread pool, one recording

def _pool():
    return outbox.send_pool("network", settings.NETWORK_SEND_THREADS)


def unsettled_submissions():
    """Submission rows not settled yet: what the relay and the send task may take."""
    return NetworkSubmission.objects.filter(state__in=UNSETTLED)


def has_gateway(network: str) -> bool:
    return bool(network) and network in gateways.registered_networks()


def network_knows_case(case: Case) -> bool:
    """Whether a chargeback of this case reached the network (or is on its way there)."""
    if case.network_claim_id:
        return True
    return NetworkSubmission.objects.filter(
        case=case, kind=NetworkSubmissionKind.CHARGEBACK,
        state__in=[*UNSETTLED, NetworkSubmissionState.ACKNOWLEDGED]).exists()


# --- packaging --------------------------------------------------------------------------------

def _issuer_evidence(case: Case, excluded=()) -> list[Evidence]:
    return list(Evidence.objects.filter(case=case).exclude(category=EvidenceCategory.MERCHANT_RESPONSE)
                .exclude(pk__in=list(excluded)).order_by("created", "id"))


def _document(evidence: Evidence) -> Document:
    with evidence.file.open("rb") as handle:
        return Document(name=evidence.original_name, content_type=evidence.content_type, content=handle.read())


def package_evidence(gateway, evidence: list[Evidence]) -> tuple[list[Document], list[dict]]:
    """The case's evidence as the network takes it, or the problems naming each file that breaks
    the network's rules: [{"evidence_id", "name", "problem"}] (evidence_id None for a rule about
    the submission as a whole, such as its total size)."""
    if not evidence:
        return [], []
    documents = [_document(item) for item in evidence]
    try:
        return list(gateway.package(documents)), []
    except PackagingError as whole:
        problems = []
        for item, document in zip(evidence, documents, strict=True):
            try:
                gateway.package([document])
            except PackagingError as exc:
                problems += [{"evidence_id": item.pk, "name": item.original_name, "problem": p} for p in exc.problems]
        if not problems:  # each file passes alone: a rule about the submission as a whole
            problems = [{"evidence_id": None, "name": "", "problem": p} for p in whole.problems]
        return [], problems


# The case page's packaging check is cached by the files' content: the rules never change at run time.
PACKAGING_CACHE_SECONDS = 3600


def case_packaging_problems(case: Case, evidence: list[Evidence]) -> list[dict] | None:
    """What the network's packaging rules would refuse in `evidence` (the case's issuer files),
    before anything is sent: [] when all pass or the case's network has no gateway; None when the
    check could not run (a file gone from storage, a gateway that fails). Reads no rows: the caller
    passes the evidence it already holds."""
    evidence = [item for item in evidence if item.category != EvidenceCategory.MERCHANT_RESPONSE]
    if not evidence or not has_gateway(case.network):
        return []
    digest = hashlib.sha256("|".join(f"{item.pk}:{item.sha256}:{item.original_name}" for item in evidence)
                            .encode()).hexdigest()
    try:
        gateway = gateways.gateway_for(case.network)
        key = f"network-packaging:{case.network}:{type(gateway).__name__}:{digest}"
        problems = cache.get(key)
        if problems is None:
            _, problems = package_evidence(gateway, evidence)
            cache.set(key, problems, PACKAGING_CACHE_SECONDS)
    except Exception:  # noqa: BLE001 - a page never fails on the check; the worker checks again
        logger.exception("packaging check of case %s failed", case.pk)
        return None
    return problems


def _problems_text(network: str, problems: list[dict]) -> str:
    named = "; ".join(p["problem"] if not p["name"] or p["name"] in p["problem"] else f"{p['name']}: {p['problem']}"
                      for p in problems)
    return f"Evidence breaks {network.title()}'s rules, nothing was sent: {named}"[:MAX_ERROR]


# --- write ------------------------------------------------------------------------------------

def submission_for_transition(case: Case, transition: str, actor: Actor, note: str = "") -> NetworkSubmission | None:
    """Write the submission a transition owes the network, inside the transition's transaction
    (the caller holds the case's row lock); None when the network need not hear of it."""
    written = submissions_for_transition([(case, note)], transition, actor)
    return written[0] if written else None


def submissions_for_transition(steps, transition: str, actor: Actor) -> list[NetworkSubmission]:
    """`submission_for_transition` for many (case, note) moved by one transition (the caller holds
    their row locks): the cases' evidence read in one query, the rows in one INSERT, their send
    tasks 50 ids each. Returns the submissions written."""
    kind = KIND_FOR_TRANSITION.get(transition)
    if kind is None:
        return []
    steps = [(case, note) for case, note in steps if has_gateway(case.network)]
    if kind in (NetworkSubmissionKind.ACCEPT, NetworkSubmissionKind.WITHDRAW):
        steps = [(case, note) for case, note in steps if network_knows_case(case)]
    if not steps:
        return []
    evidence = _issuer_evidence_of([case.pk for case, _ in steps])
    submissions = [_submission(case, kind, actor, note, evidence.get(case.pk, [])) for case, note in steps]
    NetworkSubmission.objects.bulk_create(submissions, batch_size=500)
    queued = [row.pk for row in submissions if row.state == NetworkSubmissionState.QUEUED]
    if queued:
        from cases.tasks.networks import send_network_submissions

        for start in range(0, len(queued), SEND_CHUNK):
            outbox.enqueue_on_commit(send_network_submissions, queued[start:start + SEND_CHUNK])
    return submissions


def _submission(case: Case, kind: str, actor: Actor, note: str, evidence: list[Evidence]) -> NetworkSubmission:
    """The unsaved row, refused at once when the case's evidence breaks the network's rules."""
    submission = NetworkSubmission(case=case, kind=kind, network=case.network, amount=case.disputed_amount,
                                   currency=case.currency, note=(note or "")[:500], created_by=actor.label)
    if evidence:
        try:
            _, problems = package_evidence(gateways.gateway_for(case.network), evidence)
        except Exception:  # noqa: BLE001 - a misconfigured gateway never blocks the filing; the worker checks again
            logger.exception("packaging check for %s failed", case.network)
            problems = []
        if problems:
            submission.packaging_problems = problems
            submission.state = NetworkSubmissionState.REJECTED
            submission.last_error = _problems_text(case.network, problems)
            submission.next_attempt_at = None
            submission.settled_at = timezone.now()
    return submission


# --- send -------------------------------------------------------------------------------------

def _network_case_ids(case_ids) -> dict[int, str]:
    """Each case's latest network case id (the filing an answer names), in one query."""
    latest = {}
    for case_id, network_case_id in (NetworkMessage.objects.filter(case_id__in=list(case_ids))
                                     .exclude(network_case_id="").order_by("case_id", "-received", "-id")
                                     .values_list("case_id", "network_case_id")):
        latest.setdefault(case_id, network_case_id)
    return latest


def _issuer_evidence_of(case_ids) -> dict[int, list[Evidence]]:
    """`_issuer_evidence` of many cases in one query."""
    found = defaultdict(list)
    for item in (Evidence.objects.filter(case_id__in=list(case_ids))
                 .exclude(category=EvidenceCategory.MERCHANT_RESPONSE).order_by("created", "id")):
        found[item.case_id].append(item)
    return found


def _filing(row: NetworkSubmission, documents: list[Document], network_case_id: str | None = None) -> Filing:
    case = row.case
    if network_case_id is None:
        network_case_id = _network_case_ids([case.pk]).get(case.pk, "")
    return Filing(client_reference=row.client_reference, kind=row.kind, network=row.network,
                  program=case.program.program_id, case_id=case.case_id, arn=case.transaction.arn,
                  reason_code=case.network_reason_code, amount_minor=row.amount, currency=row.currency,
                  claim_id=case.network_claim_id, network_case_id=network_case_id, note=row.note,
                  documents=tuple(documents))


class _Prepared:
    """A row ready to go: its gateway, filing and the files it carries."""

    def __init__(self, row, gateway, filing, files, looked_up_first):
        self.row, self.gateway, self.filing, self.files, self.looked_up_first = row, gateway, filing, files, looked_up_first


def _prepare(row: NetworkSubmission, excluded, evidence: list[Evidence] | None = None,
             network_case_id: str | None = None) -> tuple[_Prepared | None, list[dict]]:
    gateway = gateways.gateway_for(row.network)
    if evidence is None:
        evidence = _issuer_evidence(row.case, excluded)
    else:
        evidence = [item for item in evidence if item.pk not in set(excluded)]
    documents, problems = package_evidence(gateway, evidence)
    if problems:
        return None, problems
    files = [{"evidence_id": item.pk, "name": doc.name, "original_name": item.original_name,
              "content_type": doc.content_type, "size": len(doc.content)}
             for item, doc in zip(evidence, documents, strict=False)]
    return _Prepared(row, gateway, _filing(row, documents, network_case_id), files, row.attempts > 0), []


def _exchange(prepared: _Prepared) -> FilingResult | GatewayError:
    """Outside any transaction: ask first when the row was attempted before, else send."""
    try:
        if prepared.looked_up_first:
            found = prepared.gateway.lookup(prepared.filing)
            if found is not None:
                return found
        return prepared.gateway.submit(prepared.filing)
    except GatewayError as exc:
        return exc
    except Exception as exc:  # noqa: BLE001 - a gateway bug is recorded on the row and retried, never lost
        logger.exception("network gateway %s failed on %s", prepared.row.network, prepared.row.client_reference)
        return GatewayError(f"{type(exc).__name__}: {exc}")


def submissions_send(ids, token: str | None = None) -> dict[str, int]:
    """Send the submissions of `ids` still this task's to send; returns counts by outcome."""
    rows = outbox.take(unsettled_submissions().select_related("case", "case__program", "case__transaction"),
                       ids, token)
    counts = defaultdict(int)
    if not rows:
        return dict(counts)
    waiting = _waiting_behind_earlier(rows)
    ready, refused = [], []
    going = [row.case_id for row in rows if row.pk not in waiting]
    evidence, network_case_ids = _issuer_evidence_of(going), _network_case_ids(going)
    for row in rows:
        if row.pk in waiting:
            continue
        try:
            prepared, problems = _prepare(row, row.excluded_evidence, evidence.get(row.case_id, []),
                                          network_case_ids.get(row.case_id, ""))
        except LookupError as exc:  # the gateway was unregistered meanwhile
            refused.append((row, [], str(exc)))
            continue
        if problems:
            refused.append((row, problems, _problems_text(row.network, problems)))
        else:
            ready.append(prepared)
    if waiting:
        NetworkSubmission.objects.filter(pk__in=waiting).update(next_attempt_at=timezone.now() + WAIT_FOR_EARLIER)
        counts["waiting"] = len(waiting)
    for row, problems, text in refused:
        _record_refused_packaging(row, problems, text)
        counts["rejected"] += 1
    if not ready:
        return dict(counts)
    _record_attempts(ready)
    if len(ready) == 1:
        outcomes = [_exchange(ready[0])]
    else:
        outcomes = list(_pool().map(_exchange, ready))
    for key, value in _record_outcomes(list(zip(ready, outcomes, strict=True))).items():
        counts[key] += value
    return dict(counts)


def _waiting_behind_earlier(rows) -> set[int]:
    """Rows whose case has an earlier unsettled submission: the network hears a case's steps in order."""
    by_case = defaultdict(list)
    for row in rows:
        by_case[row.case_id].append(row)
    earlier = (NetworkSubmission.objects.filter(case_id__in=list(by_case), state__in=UNSETTLED)
               .values_list("case_id", "pk"))
    first = {}
    for case_id, pk in earlier:
        first[case_id] = min(pk, first.get(case_id, pk))
    return {row.pk for row in rows if first.get(row.case_id, row.pk) < row.pk}


@transaction.atomic
def _record_attempts(ready: list[_Prepared]) -> None:
    """Committed before anything is sent: from here a retry asks the network before sending again."""
    now = timezone.now()
    pks = [item.row.pk for item in ready]
    NetworkSubmission.objects.filter(pk__in=pks).update(
        attempts=F("attempts") + 1, state=NetworkSubmissionState.SENT, sent_at=now, updated=now)
    by_files = defaultdict(list)  # most rows carry the same files (none): one UPDATE per distinct list
    for item in ready:
        item.row.attempts += 1
        item.row.state = NetworkSubmissionState.SENT
        item.row.files = item.files
        by_files[json.dumps(item.files, sort_keys=True)].append(item.row.pk)
    for files, group in by_files.items():
        NetworkSubmission.objects.filter(pk__in=group).update(files=json.loads(files))


@transaction.atomic
def _record_refused_packaging(row: NetworkSubmission, problems: list[dict], text: str) -> None:
    now = timezone.now()
    NetworkSubmission.objects.filter(pk=row.pk, state__in=UNSETTLED).update(
        state=NetworkSubmissionState.REJECTED, packaging_problems=problems, last_error=text[:MAX_ERROR],
        next_attempt_at=None, settled_at=now, updated=now)
    event_record(case=row.case, actor=Actor.for_network(row.network), kind=EventKind.NETWORK_SUBMISSION,
                 transition=row.kind, note=text[:MAX_ERROR], changes=_event_changes(row, NetworkSubmissionState.REJECTED))


def _event_changes(row: NetworkSubmission, state: str, **extra) -> dict:
    return {"submission": row.client_reference, "kind": row.kind, "network": row.network, "state": state,
            "attempts": row.attempts, **extra}


def _record_outcomes(pairs) -> dict[str, int]:
    counts = defaultdict(int)
    acknowledged = []
    with transaction.atomic():
        now = timezone.now()
        for prepared, outcome in pairs:
            row = prepared.row
            if isinstance(outcome, GatewayError):
                counts[_record_unknown(row, str(outcome), now)] += 1
            elif outcome.accepted:
                acknowledged.append((row, outcome))
            else:
                _record_rejected(row, outcome, now)
                counts["rejected"] += 1
        if acknowledged:
            _record_acknowledged(acknowledged, now)
            counts["acknowledged"] += len(acknowledged)
    return dict(counts)


def _record_unknown(row: NetworkSubmission, error: str, now) -> str:
    budget = settings.NETWORK_SUBMISSION_MAX_ATTEMPTS * (row.manual_retries + 1)
    if row.attempts >= budget:
        NetworkSubmission.objects.filter(pk=row.pk).update(
            state=NetworkSubmissionState.FAILED, last_error=error[:MAX_ERROR], next_attempt_at=None,
            settled_at=now, updated=now)
        event_record(case=row.case, actor=Actor.for_network(row.network), kind=EventKind.NETWORK_SUBMISSION,
                     transition=row.kind, note=error[:MAX_ERROR],
                     changes=_event_changes(row, NetworkSubmissionState.FAILED))
        return "failed"
    delay = RETRY_DELAYS[min(row.attempts, len(RETRY_DELAYS)) - 1]
    NetworkSubmission.objects.filter(pk=row.pk).update(last_error=error[:MAX_ERROR], next_attempt_at=now + delay,
                                                       updated=now)
    return "retrying"


def _record_rejected(row: NetworkSubmission, result: FilingResult, now) -> None:
    from cases.services.edits import flag_locked_case
    from cases.services.transitions import lock_case, run_transition

    reason = (result.reason or "The network refused the filing.")[:MAX_ERROR]
    NetworkSubmission.objects.filter(pk=row.pk).update(
        state=NetworkSubmissionState.REJECTED, last_error=reason, network_reference=result.network_reference[:64],
        next_attempt_at=None, settled_at=now, updated=now)
    actor = Actor.for_network(row.network)
    case = lock_case(row.case)
    event_record(case=case, actor=actor, kind=EventKind.NETWORK_SUBMISSION, transition=row.kind, note=reason,
                 changes=_event_changes(row, NetworkSubmissionState.REJECTED))
    if row.kind == NetworkSubmissionKind.CHARGEBACK and case.status == CaseStatus.CHARGEBACK_FILED:
        try:
            run_transition(case, "record_filing_rejected", actor, note=reason)
        except TransitionNotAllowed:  # pragma: no cover - the status was checked under the lock
            return
        flag_locked_case(case, actor, note=reason)


def _record_acknowledged(pairs, now) -> None:
    """Set-based: the rows in one UPDATE and their references in one statement run per row
    (`update_rows`), the cases that learn their claim id likewise, the audit events in one INSERT."""
    NetworkSubmission.objects.filter(pk__in=[row.pk for row, _ in pairs]).update(
        state=NetworkSubmissionState.ACKNOWLEDGED, last_error="", next_attempt_at=None, settled_at=now, updated=now)
    for row, result in pairs:
        row.network_reference = result.network_reference[:64]
    # Each row has its own reference (the network's id of the filing): one statement run per row.
    update_rows(NetworkSubmission, [row for row, _ in pairs], ["network_reference"])
    claim_ids, learning = {}, {}
    for row, result in pairs:
        if result.claim_id and result.claim_id != row.case.network_claim_id:
            claim_ids[row.case_id] = result.claim_id[:64]
            learning[row.case_id] = Case(pk=row.case_id, network_claim_id=claim_ids[row.case_id])
    if learning:
        Case.objects.filter(pk__in=list(learning)).update(version=F("version") + 1, updated=now)
        update_rows(Case, list(learning.values()), ["network_claim_id"])
    by_case = {row.case_id: (row, result) for row, result in pairs}
    # An answer the poll read before this acknowledgement was kept unmatched: the next poll applies it.
    messages_for_new_claims((by_case[case_id][0].network, claim_id) for case_id, claim_id in claim_ids.items())
    by_network = defaultdict(list)
    for row, _ in pairs:
        by_network[row.network].append(row.case_id)
    for network, case_ids in by_network.items():
        def changes(case_id):
            row, result = by_case[case_id]
            return _event_changes(row, NetworkSubmissionState.ACKNOWLEDGED,
                                  network_reference=result.network_reference,
                                  **({"network_claim_id": claim_ids[case_id]} if case_id in claim_ids else {}))

        event_record_many(case_ids=case_ids, actor=Actor.for_network(network), kind=EventKind.NETWORK_SUBMISSION,
                          changes=changes)


# --- retry by a person ------------------------------------------------------------------------

def retry_permission(row: NetworkSubmission) -> str:
    """The permission a person needs to retry the row: the one of the transition that wrote it."""
    return lifecycle.permission_for(TRANSITION_FOR_KIND[row.kind])


def submission_retryable(row: NetworkSubmission) -> bool:
    """Failed rows, and refused ones other than a chargeback the network refused (that case went
    back to `created`: it is filed again, which writes a new submission). A filing is retried only
    while its case still stands where the filing put it: a chargeback of a case withdrawn since is
    never sent."""
    if row.state not in (NetworkSubmissionState.FAILED, NetworkSubmissionState.REJECTED):
        return False
    if row.state == NetworkSubmissionState.REJECTED and not row.packaging_problems \
            and row.kind == NetworkSubmissionKind.CHARGEBACK:
        return False
    status = STATUS_AFTER_FILING.get(row.kind)
    return status is None or row.case.status == status


@transaction.atomic
def submission_retry(*, submission: NetworkSubmission, actor: Actor, leave_out_refused: bool = True,
                     note: str = "") -> CaseEvent:
    """Queue a failed or refused submission again after correction; returns the audit event.

    Files the packaging check named are left out (`leave_out_refused`); files added since are
    sent. A refused row gets a new client reference (the network refused the old one); a failed
    row keeps its own, so the network is asked first whether it already arrived.
    """
    from cases.models.networks import new_client_reference
    from cases.services.transitions import lock_case

    if not actor.has_perm(retry_permission(submission)):
        raise PermissionDenied(f"You may not resubmit a {submission.get_kind_display().lower()} to the network.")
    case = lock_case(submission.case)
    row = NetworkSubmission.objects.select_for_update().get(pk=submission.pk)
    row.case = case
    if not submission_retryable(row):
        why = ""
        if row.state == NetworkSubmissionState.REJECTED and row.kind == NetworkSubmissionKind.CHARGEBACK \
                and not row.packaging_problems:
            why = " The network refused this chargeback: correct the case and file it again."
        elif row.state in (NetworkSubmissionState.FAILED, NetworkSubmissionState.REJECTED):
            why = f" The case is {case.get_status_display().lower()} now."
        raise SubmissionNotRetryable(f"The {row.get_kind_display().lower()} submission is "
                                     f"{row.get_state_display().lower()} and cannot be retried.{why}", state=row.state)
    previous = row.client_reference
    excluded = set(row.excluded_evidence)
    if leave_out_refused:
        excluded |= {p["evidence_id"] for p in row.packaging_problems if p.get("evidence_id")}
    row.excluded_evidence = sorted(excluded)
    if row.state == NetworkSubmissionState.REJECTED:
        row.client_reference = new_client_reference()
    row.state = NetworkSubmissionState.QUEUED
    row.manual_retries += 1
    row.packaging_problems = []
    row.last_error = ""
    row.settled_at = None
    row.next_attempt_at = timezone.now()
    row.save()
    event = event_record(case=case, actor=actor, kind=EventKind.NETWORK_SUBMISSION, transition=row.kind, note=note,
                         changes=_event_changes(row, NetworkSubmissionState.QUEUED, previous_reference=previous,
                                                left_out=row.excluded_evidence))
    from cases.tasks.networks import send_network_submissions

    outbox.enqueue_on_commit(send_network_submissions, [row.pk])
    return event
