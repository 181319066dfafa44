"""Receiving from the card networks (SPEC section 12): read each network's queues, store each item
once, acknowledge it, and let it drive the case.

`networks_poll()` (the scheduled task `cases.poll_networks`, every NETWORK_POLL_SECONDS) runs, for
each network with a registered gateway:

1. **Read** the queues (`gateway.read_queues()`); a network that cannot be reached is logged and
   tried at the next poll.
2. **Store** every item as a `NetworkMessage` (unique network + message id, so a queue read twice
   stores nothing twice), its documents' bytes written to the evidence storage under
   `network/<network>/<sha256>` first: once stored, nothing the network sent can be lost.
3. **Acknowledge** what was stored (also items stored by an earlier read), so the queues stop
   offering them. An acknowledgement that fails is harmless: the next read stores nothing twice.
4. **Apply** the stored items (state `received`) in batches of APPLY_BATCH, with the actor
   `network:<name>`: the case is found by the submission the item answers (client reference),
   else by the network's claim id; the item's kind names the transition (`TRANSITION_FOR_KIND`);
   the merchant's documents become evidence of category `merchant_response`; an audit event
   `network_response` (webhook `case.network_response_received`) records the item. Items of
   cases named once in the batch are applied set-based in one savepoint (the cases locked in one
   query and moved by `cases_transition_many`, one INSERT per kind of row, the messages in one
   statement); items of a case named twice, and that group again should it fail, go one by one,
   in order, each in its own savepoint. An item whose case is unknown, closed or in a
   status the step does not fit is kept `unmatched` (one for an unknown claim is applied after
   all once a case learns that claim id: `messages_for_new_claims`); an error applying it keeps
   it `failed`, with the reason, for a supervisor. A document that breaks the rules (type by
   content: PDF, JPEG or TIFF; at most NETWORK_DOCUMENT_MAX_BYTES) is not added to the case; the
   case still moves (the network's step happened) and the message names the refused file. A
   network's stored items are drained in APPLY_LANES lanes by the claim id they name, one drain
   per lane at a time (a PostgreSQL advisory lock), oldest first: a case's items are applied in
   the order the network sent them, other cases' items alongside. The scheduled poll hands this
   step to other worker processes (`cases.apply_network_messages`, one task per lane) and reads
   the next page meanwhile; called directly (`networks_poll()`), or with the broker down, the poll
   applies them itself.
5. **Again** while a read brought new items (a queue longer than the network's page), up to
   POLL_ROUNDS reads. One poll of a network runs at a time (a PostgreSQL advisory lock): a second
   one, started by the schedule while the first drains a long queue, returns at once instead of
   reading the same items again.
"""

import contextlib
import hashlib
import logging
import zlib
from collections import defaultdict

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from cases import gateways, money
from cases.actors import Actor
from cases.choices import EventKind, EvidenceCategory, NetworkMessageKind, NetworkMessageState
from cases.exceptions import DisputeError, TooManyFiles
from cases.gateways.base import GatewayError, InboundItem
from cases.models import Case, CaseEvent, Evidence, NetworkMessage, NetworkSubmission
from cases.models.evidence import evidence_storage
from cases.services import outbox
from cases.services.rows import update_rows

logger = logging.getLogger(__name__)

TRANSITION_FOR_KIND = {
    NetworkMessageKind.REPRESENTMENT: "record_representment",
    NetworkMessageKind.PREARB_RECEIVED: "record_prearb_received",
    NetworkMessageKind.PREARB_RESPONSE: "record_prearb_rebuttal",
    NetworkMessageKind.MERCHANT_ACCEPTED: "win",
    NetworkMessageKind.RULING_ISSUER: "win",
    NetworkMessageKind.RULING_MERCHANT: "lose",
}
# Merchant documents kept as evidence: the types both networks take (REFERENCE section 8).
DOCUMENT_TYPES = frozenset({"application/pdf", "image/jpeg", "image/tiff"})
APPLY_BATCH = 500
DRAIN_BATCHES = 100  # batches one drain applies at most (50,000 items); the next poll drains the rest
POLL_ROUNDS = 50  # reads per poll while each brings new items
# A network's stored items are drained in this many lanes, each by one worker process at a time:
# an item's lane comes from its claim id, so one case's items share a lane and keep their order,
# while other cases' items are applied alongside. Stored with each item: lowering it needs the
# waiting items' lanes computed again (a data migration), or those beyond the count wait forever.
APPLY_LANES = 2
# The steps applied set-based for a batch (cases_transition_many, cases/services/transitions.py:
# each case as case_transition moves it, liability and letters included).
SET_BASED = frozenset(TRANSITION_FOR_KIND.values())
RAW_STRING_LIMIT = 2000
MAX_ERROR = 1000


def _trim_raw(value):
    """The item as the network sent it, with long strings (inline file content) cut short."""
    if isinstance(value, dict):
        return {str(k): _trim_raw(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_trim_raw(v) for v in value]
    if isinstance(value, str) and len(value) > RAW_STRING_LIMIT:
        return f"<{len(value)} characters, not kept>"
    if isinstance(value, bytes):
        return f"<{len(value)} bytes, not kept>"
    return value


def _store_document(network: str, document) -> dict:
    digest = hashlib.sha256(document.content).hexdigest()
    path = f"network/{network}/{digest}"
    storage = evidence_storage()
    if document.content and not storage.exists(path):
        storage.save(path, ContentFile(document.content))
    return {"name": (document.name or "document")[:255], "content_type": document.content_type[:100],
            "size": len(document.content), "sha256": digest, "path": path}


def lane_for(claim_id: str) -> int:
    """The apply lane of an item naming `claim_id` (the same for every item of the claim)."""
    return zlib.crc32(claim_id.encode("utf-8")) % APPLY_LANES


def _message(network: str, item: InboundItem) -> NetworkMessage:
    kind = item.kind if item.kind in NetworkMessageKind.values else ""
    claim_id = (item.claim_id or "")[:64]
    return NetworkMessage(
        network=network, message_id=str(item.message_id)[:128], queue=(item.queue or "")[:64], kind=kind,
        claim_id=claim_id, lane=lane_for(claim_id), client_reference=(item.client_reference or "")[:40],
        network_case_id=(item.network_case_id or "")[:64], amount=item.amount_minor,
        currency=(item.currency or "")[:3], reason=(item.reason or "")[:1000],
        documents=[_store_document(network, d) for d in item.documents],
        raw=_trim_raw(item.raw or {}),
        **({} if kind else {"state": NetworkMessageState.FAILED,
                            "error": f"Unknown kind of network message {str(item.kind)[:50]!r}."}))


def messages_store(network: str, items: list[InboundItem]) -> int:
    """Store the items not stored yet; returns how many were new."""
    fresh, seen = [], set()
    known = set(NetworkMessage.objects.filter(network=network, message_id__in=[str(i.message_id) for i in items])
                .values_list("message_id", flat=True))
    for item in items:
        message_id = str(item.message_id)
        if message_id in known or message_id in seen:
            continue
        seen.add(message_id)
        fresh.append(_message(network, item))
    if fresh:
        NetworkMessage.objects.bulk_create(fresh, batch_size=500, ignore_conflicts=True)
    return len(fresh)


def networks_poll(networks: list[str] | None = None, *, hand_off: bool = False) -> dict[str, dict[str, int]]:
    """Read, store, acknowledge and apply every registered network's queues; counts per network.
    `hand_off`: the stored items are applied by `cases.apply_network_messages` in another worker
    process while this one reads on (the scheduled poll)."""
    result = {}
    for network in networks or gateways.registered_networks():
        try:
            result[network] = network_poll(network, hand_off=hand_off)
        except Exception:  # noqa: BLE001 - one network's failure never stops the other's poll
            logger.exception("polling network %s failed", network)
            result[network] = {"error": 1}
    return result


def network_poll(network: str, *, hand_off: bool = False) -> dict[str, int]:
    """Read, store, acknowledge, apply; again while a read brought new items (a queue longer than
    the network's page), up to POLL_ROUNDS reads. A poll of the same network already running
    elsewhere (PostgreSQL advisory lock) makes this one return at once: two polls would read the
    same items twice."""
    with _advisory_lock(f"network_poll:{network}") as held:
        if not held:
            return {"skipped": 1}
        gateway = gateways.gateway_for(network)
        counts = defaultdict(int)
        handed = False  # a drain was handed off by this poll (and sees what the next parts store)

        def apply_stored(fresh: int) -> None:
            nonlocal handed
            if (fresh or not handed) and _waiting(network).exists():
                if hand_off and _hand_off(network):
                    handed = True
                else:
                    for state, n in messages_apply_waiting(network).items():
                        counts[state] += n

        for _ in range(POLL_ROUNDS):
            if not _poll_round(network, gateway, counts, apply_stored):
                break
        return dict(counts)


def _waiting(network: str):
    return NetworkMessage.objects.filter(network=network, state=NetworkMessageState.RECEIVED)


def _hand_off(network: str) -> bool:
    """The stored items to worker processes of their own, one drain per lane (False: the broker is
    down for one of them; the poll then drains what is left itself)."""
    from cases.tasks.networks import apply_network_messages

    return all([outbox.enqueue(apply_network_messages, network, lane) for lane in range(APPLY_LANES)])


@contextlib.contextmanager
def _advisory_lock(name: str):
    """A PostgreSQL session advisory lock named `name`, if free: yields whether it is held."""
    if connection.vendor != "postgresql":
        yield True  # SQLite: one process (development); its writes are serialized anyway
        return
    key = zlib.crc32(name.encode())
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        held = cursor.fetchone()[0]
    try:
        yield held
    finally:
        if held:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])


def _read_parts(gateway):
    """The queues' items in parts (`read_queue_parts`, where a gateway reads each item with requests
    of its own: the poll stores and hands off one part while the gateway reads the next), else
    in one (`read_queues`)."""
    parts = getattr(gateway, "read_queue_parts", None)
    if parts is not None:
        yield from parts()
    else:
        yield gateway.read_queues()


def _poll_round(network: str, gateway, counts, apply_stored) -> bool:
    """One read of the queues, part by part stored, acknowledged and applied (`apply_stored`);
    whether to read again: not when the read brought nothing new, or the read or an
    acknowledgement failed (the next poll tries again)."""
    counts["read"] += 0
    fresh_in_all = 0
    parts = _read_parts(gateway)
    while True:
        try:
            items = next(parts, None)
        except GatewayError as exc:
            logger.warning("network %s queues not read: %s", network, exc)
            counts["unreachable"] += 1
            return False
        if items is None:
            return bool(fresh_in_all)
        counts["read"] += len(items)
        fresh = messages_store(network, items)
        fresh_in_all += fresh
        if items:
            try:
                gateway.acknowledge(items)
                counts["acknowledged"] += len(items)
            except GatewayError as exc:  # offered again at the next read, and stored nothing twice
                logger.warning("network %s items not acknowledged: %s", network, exc)
                apply_stored(fresh)
                return False
        apply_stored(fresh)


def messages_apply_waiting(network: str, lane: int | None = None) -> dict[str, int]:
    """Apply the stored items of `network` waiting (state `received`) in `lane` (None: every lane,
    one after the other), oldest first, APPLY_BATCH at a time, up to DRAIN_BATCHES batches (the
    next poll drains the rest). One drain per lane at a time (PostgreSQL advisory lock), so a
    case's items are applied in the order they were stored even when several pages were handed off
    at once. A drain that finds the lock taken returns; the one holding it looks again after
    letting it go, so items stored meanwhile are not left for the next poll."""
    if lane is None:
        counts = defaultdict(int)
        for each in range(APPLY_LANES):
            for state, n in messages_apply_waiting(network, each).items():
                counts[state] += n
        return dict(counts)
    counts = defaultdict(int)
    waiting = _waiting(network).filter(lane=lane)
    batches = 0
    while batches < DRAIN_BATCHES:
        with _advisory_lock(f"network_apply:{network}:{lane}") as held:
            if not held:
                break
            while batches < DRAIN_BATCHES and (ids := list(waiting.order_by("id").values_list("pk", flat=True)
                                                              [:APPLY_BATCH])):
                batches += 1
                done = messages_apply(ids)
                if not done:  # taken by another transaction meanwhile: it applies them
                    batches = DRAIN_BATCHES
                for state, n in done.items():
                    counts[state] += n
        if not waiting.exists():
            break
    return dict(counts)


def messages_for_new_claims(claims) -> int:
    """Items kept `unmatched` because no case knew their claim id yet go back to `received`, for the
    next poll to apply: the poll may read a network's answer before the acknowledgement naming the
    claim is recorded (a worker killed after sending, a network that answers at once). `claims` are
    (network, claim id) pairs a case has just learned; returns the items put back."""
    claims = {(network, claim_id) for network, claim_id in claims if claim_id}
    if not claims:
        return 0
    waiting = Q()
    for network, claim_id in claims:
        waiting |= Q(network=network, claim_id=claim_id)
    return NetworkMessage.objects.filter(waiting, state=NetworkMessageState.UNMATCHED, case__isnull=True).update(
        state=NetworkMessageState.RECEIVED, error="", applied_at=None)


def _find_cases(messages: list[NetworkMessage]) -> dict[int, Case | None]:
    """Each message's case: by the submission it answers, else by the network's claim id."""
    references = {m.client_reference for m in messages if m.client_reference}
    by_reference = dict(NetworkSubmission.objects.filter(client_reference__in=references)
                        .values_list("client_reference", "case_id")) if references else {}
    claims = defaultdict(set)
    for m in messages:
        if m.claim_id:
            claims[m.network].add(m.claim_id)
    by_claim = {}
    for network, claim_ids in claims.items():
        for number, claim_id in Case.objects.filter(network=network, network_claim_id__in=claim_ids).values_list(
                "number", "network_claim_id"):
            by_claim[(network, claim_id)] = number
    return {m.pk: by_reference.get(m.client_reference) or by_claim.get((m.network, m.claim_id)) for m in messages}


def messages_apply(ids) -> dict[str, int]:
    """Apply the stored messages of `ids` still waiting. Messages whose step keeps the case open,
    one per case, go set-based in one savepoint; the others (and the set-based group again, item
    by item, should it fail) each in their own savepoint."""
    counts = defaultdict(int)
    with transaction.atomic():
        rows = list(outbox.lock_rows(NetworkMessage.objects.filter(pk__in=list(ids), state=NetworkMessageState.RECEIVED)
                                     .order_by("id")))
        numbers = _find_cases(rows)
        together, alone = _partition(rows, numbers)
        if together:
            try:
                with transaction.atomic():
                    for state, n in _apply_together(together, numbers).items():
                        counts[state] += n
            except Exception:  # noqa: BLE001 - item by item below, where a failing item is kept `failed`
                logger.exception("network messages not applied set-based; applying them one by one")
                alone = sorted(together + alone, key=lambda m: m.pk)
        for message in alone:
            try:
                with transaction.atomic():
                    state = _apply(message, numbers.get(message.pk))
            except Exception as exc:  # noqa: BLE001 - kept `failed` for a supervisor, never a crash of the poll
                logger.exception("network message %s %s not applied", message.network, message.message_id)
                state = NetworkMessageState.FAILED
                NetworkMessage.objects.filter(pk=message.pk).update(
                    state=state, error=f"{type(exc).__name__}: {exc}"[:MAX_ERROR], applied_at=timezone.now())
            counts[state] += 1
    return dict(counts)


def _partition(rows: list[NetworkMessage], numbers: dict) -> tuple[list, list]:
    """(set-based, one by one): a case named by two messages of the batch takes them one by one, in order."""
    per_case = defaultdict(int)
    for message in rows:
        per_case[numbers.get(message.pk)] += 1
    together, alone = [], []
    for message in rows:
        number = numbers.get(message.pk)
        if number is not None and per_case[number] == 1 and TRANSITION_FOR_KIND.get(message.kind) in SET_BASED:
            together.append(message)
        else:
            alone.append(message)
    return together, alone


def _apply_together(messages: list[NetworkMessage], numbers: dict) -> dict[str, int]:
    """The one-by-one `_apply` for many messages: the cases locked in one query, the documents,
    transitions, events and message rows written set-based."""
    from cases.services.transitions import _meta, cases_transition_many

    counts = defaultdict(int)
    cases = {case.pk: case for case in Case.objects.select_for_update(of=("self",))
             .select_related("transaction", "program").filter(pk__in={numbers[m.pk] for m in messages}).order_by("pk")}
    by_network = defaultdict(list)
    for message in messages:
        case = cases.get(numbers[message.pk])
        transition = TRANSITION_FOR_KIND[message.kind]
        label = message.get_kind_display().lower()
        if case is None:
            counts[_unmatched(message, f"No case is known by this {message.network} {label}.")] += 1
        elif not case.is_active:
            counts[_unmatched(message, f"The case is closed ({case.get_status_display().lower()}): "
                                       f"a {label} cannot change it.", case)] += 1
        elif not _meta(transition).has_transition(case.status):
            counts[_unmatched(message, f"A {label} does not fit a case in status "
                                       f"{case.get_status_display().lower()}.", case)] += 1
        else:
            by_network[message.network].append((message, case, transition))
    now = timezone.now()
    for network, fits in by_network.items():
        actor = Actor.for_network(network)
        documents = _add_documents_together(fits, actor)
        by_transition = defaultdict(list)
        for message, case, transition in fits:
            by_transition[transition].append((message, case))
        moved = {}
        for transition, group in by_transition.items():
            events = cases_transition_many(cases=[case for _, case in group], transition=transition, actor=actor,
                                           notes=[_note(message)[:2000] for message, _ in group])
            for (message, _), event in zip(group, events, strict=True):
                moved[message.pk] = event.case
        learned = [moved[message.pk] for message, _, _ in fits
                   if message.claim_id and not moved[message.pk].network_claim_id]
        for message, _, _ in fits:
            case = moved[message.pk]
            if message.claim_id and not case.network_claim_id:
                case.network_claim_id = message.claim_id
        if learned:
            update_rows(Case, learned, ["network_claim_id"])
            messages_for_new_claims((network, case.network_claim_id) for case in learned)
        for message, _, _ in fits:
            kept, refused = documents[message.pk]
            error = "; ".join(f"{d['name']}: {d['refused']}" for d in refused)
            message.state, message.case, message.documents, message.applied_at = (
                NetworkMessageState.APPLIED, moved[message.pk], kept, now)
            message.error = (f"Documents not added to the case: {error}" if error else "")[:MAX_ERROR]
        update_rows(NetworkMessage, [message for message, _, _ in fits],
                    ["state", "case", "documents", "applied_at", "error"])
        _response_events([(moved[message.pk], message) for message, _, _ in fits], NetworkMessageState.APPLIED)
        counts[NetworkMessageState.APPLIED] += len(fits)
    return dict(counts)


def _note(message: NetworkMessage) -> str:
    """The network's reason, after the amount the acquirer answered with (a representment, a
    pre-arbitration) in the currency's major units: "Representment: 100.00 USD. Goods delivered"."""
    note = message.reason
    if message.amount is not None and message.kind in (NetworkMessageKind.REPRESENTMENT,
                                                       NetworkMessageKind.PREARB_RECEIVED):
        amount = (money.format_amount(message.amount, message.currency) if money.is_currency(message.currency)
                  else f"{message.amount} {message.currency}".strip() + " (minor units)")
        note = f"{message.get_kind_display()}: {amount}. {note}".strip()
    return note


def _unmatched(message: NetworkMessage, why: str, case: Case | None = None) -> str:
    NetworkMessage.objects.filter(pk=message.pk).update(
        state=NetworkMessageState.UNMATCHED, error=why[:MAX_ERROR], case=case, applied_at=timezone.now())
    if case is not None:
        _response_event(case, message, NetworkMessageState.UNMATCHED, note=why)
    return NetworkMessageState.UNMATCHED


def _response_changes(message: NetworkMessage, state: str) -> dict:
    return {"message_id": message.message_id, "network": message.network, "kind": message.kind,
            "state": state, "claim_id": message.claim_id or None, "amount": message.amount,
            "currency": message.currency or None,
            "documents": [{k: d.get(k) for k in ("name", "evidence_id", "refused") if d.get(k) is not None}
                          for d in message.documents]}


def _response_event(case: Case, message: NetworkMessage, state: str, note: str = "") -> CaseEvent:
    from cases.services.events import event_record

    return event_record(case=case, actor=Actor.for_network(message.network), kind=EventKind.NETWORK_RESPONSE,
                        transition=message.kind, changes=_response_changes(message, state),
                        note=note or message.reason)


def _response_events(pairs, state: str) -> None:
    """`_response_event` for many (case, message) pairs of one network: one INSERT, webhooks in one pass."""
    from cases.services.events import events_recorded

    if not pairs:
        return
    actor = Actor.for_network(pairs[0][1].network)
    events = CaseEvent.objects.bulk_create([
        CaseEvent(case=case, kind=EventKind.NETWORK_RESPONSE, transition=message.kind,
                  changes=_response_changes(message, state), note=message.reason, actor=actor.label,
                  request_id=actor.request_id)
        for case, message in pairs], batch_size=500)
    events_recorded([(event, event.case) for event in events])


def _apply(message: NetworkMessage, number: int | None) -> str:
    from cases.services.transitions import _meta, lock_case, run_transition

    label = message.get_kind_display().lower()
    if number is None:
        what = f"claim id {message.claim_id!r}" if message.claim_id else "no claim id"
        return _unmatched(message, f"No case is known by this {message.network} {label} ({what}).")
    case = lock_case(Case(pk=number))
    transition = TRANSITION_FOR_KIND[message.kind]
    if not case.is_active:
        return _unmatched(message, f"The case is closed ({case.get_status_display().lower()}): "
                                   f"a {label} cannot change it.", case)
    if not _meta(transition).has_transition(case.status):
        return _unmatched(message, f"A {label} does not fit a case in status "
                                   f"{case.get_status_display().lower()}.", case)
    actor = Actor.for_network(message.network)
    documents, refused = _add_documents(case, message, actor)
    event = run_transition(case, transition, actor, note=_note(message)[:2000])
    case = event.case
    if message.claim_id and not case.network_claim_id:
        case.network_claim_id = message.claim_id
        Case.objects.filter(pk=case.pk).update(network_claim_id=message.claim_id)
        messages_for_new_claims([(message.network, message.claim_id)])
    error = "; ".join(f"{d['name']}: {d['refused']}" for d in refused)
    message.documents = documents
    NetworkMessage.objects.filter(pk=message.pk).update(
        state=NetworkMessageState.APPLIED, case=case, documents=documents, applied_at=timezone.now(),
        error=(f"Documents not added to the case: {error}" if error else "")[:MAX_ERROR])
    _response_event(case, message, NetworkMessageState.APPLIED)
    return NetworkMessageState.APPLIED


def _check_size(document: dict) -> None:
    """A network's document above NETWORK_DOCUMENT_MAX_BYTES is refused before it is read."""
    if document["size"] > settings.NETWORK_DOCUMENT_MAX_BYTES:
        raise DisputeError(f"{document['size'] // (1024 * 1024)} MB is over the "
                           f"{settings.NETWORK_DOCUMENT_MAX_BYTES // (1024 * 1024)} MB limit.")


def _add_documents(case: Case, message: NetworkMessage, actor: Actor) -> tuple[list[dict], list[dict]]:
    """The merchant's documents as evidence of category merchant_response; those refused are named."""
    from cases.services.evidence import case_add_evidence

    kept, refused = [], []
    storage = evidence_storage()
    for document in message.documents:
        entry = dict(document)
        try:
            _check_size(document)
            with storage.open(document["path"], "rb") as handle:
                data = handle.read()
            added = case_add_evidence(case=case, actor=actor, data=data, name=document["name"],
                                      category=EvidenceCategory.MERCHANT_RESPONSE,
                                      description=f"From {message.network.title()} ({message.get_kind_display()})",
                                      allowed_types=DOCUMENT_TYPES, max_bytes=settings.NETWORK_DOCUMENT_MAX_BYTES)
            entry["evidence_id"] = added.evidence.pk
        except (DisputeError, OSError) as exc:
            entry["refused"] = str(getattr(exc, "message", None) or exc)[:300]
            refused.append(entry)
        kept.append(entry)
    return kept, refused


def _read_document(storage, path: str) -> tuple[bytes, str, str] | Exception:
    """A stored network document's bytes, type (by content, or the refusal) and SHA-256."""
    from cases.services.evidence import checked_content_type

    try:
        with storage.open(path, "rb") as handle:
            data = handle.read()
        content_type = checked_content_type(data, max_bytes=settings.NETWORK_DOCUMENT_MAX_BYTES,
                                            allowed_types=DOCUMENT_TYPES)
    except (DisputeError, OSError) as exc:
        return exc
    return data, content_type, hashlib.sha256(data).hexdigest()


def _add_documents_together(fits, actor: Actor) -> dict[int, tuple[list[dict], list[dict]]]:
    """`_add_documents` for many messages (each on its own case): the checks of case_add_evidence,
    the case's files and count read in one query, the rows and their `evidence` events in one
    INSERT each. Returns {message pk: (documents, refused)}."""
    from cases.services.evidence import clean_file_name

    case_ids = [case.pk for message, case, _ in fits if message.documents]
    held = defaultdict(set)
    for case_id, digest in Evidence.objects.filter(case_id__in=case_ids).values_list("case_id", "sha256"):
        held[case_id].add(digest)
    storage = evidence_storage()
    # A document's path names its content (network/<network>/<sha256>): read, typed and hashed once
    # a batch, however many items carry it (a merchant's standard letter, a network's form).
    contents: dict[str, tuple[bytes, str, str] | Exception] = {}
    result, added = {}, []
    for message, case, _ in fits:
        kept, refused = [], []
        for document in message.documents:
            entry = dict(document)
            try:
                _check_size(document)
                if document["path"] not in contents:
                    contents[document["path"]] = _read_document(storage, document["path"])
                if isinstance(contents[document["path"]], Exception):
                    raise contents[document["path"]]
                data, content_type, digest = contents[document["path"]]
                if digest in held[case.pk]:
                    entry["evidence_id"] = Evidence.objects.filter(case=case, sha256=digest).values_list(
                        "pk", flat=True).first()
                else:
                    if len(held[case.pk]) >= settings.EVIDENCE_MAX_FILES:
                        raise TooManyFiles(f"A case holds at most {settings.EVIDENCE_MAX_FILES} files.", field="file")
                    evidence = Evidence(case=case, category=EvidenceCategory.MERCHANT_RESPONSE,
                                        original_name=clean_file_name(document["name"]),
                                        description=f"From {message.network.title()} ({message.get_kind_display()})",
                                        content_type=content_type, size=len(data), sha256=digest,
                                        uploaded_by=actor.label, uploaded_by_user=actor.user)
                    evidence.file.save(digest, ContentFile(data), save=False)
                    held[case.pk].add(digest)
                    added.append((evidence, entry))
            except (DisputeError, OSError) as exc:
                entry["refused"] = str(getattr(exc, "message", None) or exc)[:300]
                refused.append(entry)
            kept.append(entry)
        result[message.pk] = (kept, refused)
    if added:
        Evidence.objects.bulk_create([evidence for evidence, _ in added], batch_size=500)
        for evidence, entry in added:
            entry["evidence_id"] = evidence.pk
        events = CaseEvent.objects.bulk_create([
            CaseEvent(case=evidence.case, kind=EventKind.EVIDENCE, note=evidence.description, actor=actor.label,
                      request_id=actor.request_id,
                      changes={"evidence_id": evidence.pk, "name": evidence.original_name,
                               "category": evidence.category, "sha256": evidence.sha256, "size": evidence.size})
            for evidence, _ in added], batch_size=500)
        from cases.services.events import events_recorded

        events_recorded([(event, event.case) for event in events])
    return result
