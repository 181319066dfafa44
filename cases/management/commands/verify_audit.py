"""Replay every case's audit trail and check it explains the case's current status (SPEC section 2).

For each case: the trail starts with one `created` event (to `created`); each `transition` event
leaves the status the previous one reached and is a legal edge of the lifecycle on `Case` (the
django-fsm-2 transition of that name goes from its `from_status` to its `to_status`); the last
status reached is the case's status. Events are streamed in one ordered query joined with their
case's status, so the check costs a constant number of queries however large the tables are.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Exists, OuterRef

from cases import lifecycle
from cases.choices import CaseStatus, EventKind
from cases.models import Case, CaseEvent


def legal_target(transition: str, from_status: str) -> str | None:
    """The status the lifecycle's `transition` leads to from `from_status`, None when it is no edge."""
    if transition not in lifecycle.TRANSITIONS:
        return None
    spec = getattr(Case, transition)._django_fsm.get_transition(from_status)
    return str(spec.target) if spec is not None else None


class Replay:
    """The audit replay of one case, fed its `created` and `transition` events in order."""

    def __init__(self, number: int, case_id: str, status: str):
        self.number, self.case_id, self.status = number, case_id, status
        self.reached: str | None = None
        self.problem: str | None = None

    def feed(self, kind: str, transition: str, from_status: str, to_status: str, event_id: int) -> None:
        if self.problem:
            return
        if kind == EventKind.CREATED:
            if self.reached is not None:
                self.problem = f"event {event_id}: a second 'created' event"
            elif to_status != CaseStatus.CREATED:
                self.problem = f"event {event_id}: created in status {to_status!r}, not 'created'"
            else:
                self.reached = to_status
            return
        if self.reached is None:
            self.problem = f"event {event_id}: transition {transition!r} before the 'created' event"
        elif from_status != self.reached:
            self.problem = (f"event {event_id}: {transition!r} leaves {from_status!r} but the trail "
                            f"had reached {self.reached!r}")
        elif legal_target(transition, from_status) != to_status:
            self.problem = f"event {event_id}: {transition!r} from {from_status!r} to {to_status!r} is no lifecycle edge"
        else:
            self.reached = to_status

    def finish(self) -> str | None:
        if self.problem:
            return self.problem
        if self.reached != self.status:
            return f"the trail ends at {self.reached!r} but the case is {self.status!r}"
        return None


class Command(BaseCommand):
    help = "Replay each case's audit trail; exit non-zero listing the cases whose trail does not explain them."

    def add_arguments(self, parser):
        parser.add_argument("--show", type=int, default=100, help="list at most this many offending cases")

    def handle(self, *args, **opts):
        started = time.monotonic()
        offending: list[tuple[str, int, str]] = []
        cases = events = transitions = 0
        replay: Replay | None = None

        def close(current: Replay | None) -> None:
            if current is not None:
                problem = current.finish()
                if problem:
                    offending.append((current.case_id, current.number, problem))

        rows = (CaseEvent.objects.filter(kind__in=[EventKind.CREATED, EventKind.TRANSITION])
                .order_by("case_id", "created", "id")
                .values_list("case_id", "case__case_id", "case__status", "kind", "transition", "from_status",
                             "to_status", "id"))
        for number, case_id, status, kind, transition, from_status, to_status, event_id in rows.iterator(
                chunk_size=5000):
            if replay is None or replay.number != number:
                close(replay)
                replay = Replay(number, case_id, status)
                cases += 1
            replay.feed(kind, transition, from_status, to_status, event_id)
            events += 1
            transitions += kind == EventKind.TRANSITION
        close(replay)

        untracked = (Case.objects.filter(~Exists(CaseEvent.objects.filter(case=OuterRef("pk"))
                                                .filter(kind__in=[EventKind.CREATED, EventKind.TRANSITION])))
                     .order_by("number").values_list("case_id", "number"))
        for case_id, number in untracked.iterator(chunk_size=5000):
            offending.append((case_id, number, "no 'created' or 'transition' event at all"))
            cases += 1

        elapsed = time.monotonic() - started
        self.stdout.write(f"cases={cases} events={events} transitions={transitions} "
                          f"offending={len(offending)} seconds={elapsed:.2f}")
        if offending:
            for case_id, number, problem in offending[:max(0, opts["show"])]:
                self.stderr.write(f"{case_id} (number {number}): {problem}")
            if len(offending) > opts["show"]:
                self.stderr.write(f"... and {len(offending) - opts['show']} more")
            raise CommandError(f"{len(offending)} case(s) have an audit trail that does not replay to their status.")
