"""Running the consumer-regulation clocks on a case (SPEC section 13).

`regulation_refresh` recomputes a locked case's rule, due dates and status in memory from its
facts (the callers save it with their own change and event). The scheduled update that moves
statuses as time passes is `cases.services.regulation_sweep`.
"""

import zoneinfo
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cases import lifecycle
from cases.choices import ACTIVE_STATUSES, RegulationStatus
from cases.exceptions import ValidationFailed
from cases.models import Case, Letter, Program, ProgramClosedDate
from cases.regulation import clocks, rules
from cases.regulation.calendar import BusinessCalendar
from cases.services.transitions import lock_case

DUE_FIELDS = ("provisional_credit_due", "provisional_credit_notice_due", "investigation_due", "results_notice_due",
              "acknowledgement_due", "resolution_due")
STORED_FIELDS = ("regulation_rule", *DUE_FIELDS, "regulation_status", "regulation_next_due", "regulation_at_risk_on",
                 "regulation_breached_on", "next_deadline")


RUNNING = (RegulationStatus.ON_TRACK, RegulationStatus.AT_RISK, RegulationStatus.BREACHED)


def program_zone(program: Program) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(program.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("America/New_York")


def local_date(moment: datetime | None, program: Program) -> date | None:
    return moment.astimezone(program_zone(program)).date() if moment else None


def program_today(program: Program, now: datetime | None = None) -> date:
    return local_date(now or timezone.now(), program)


def program_calendar(program: Program) -> BusinessCalendar:
    closed = ProgramClosedDate.objects.filter(program_id=program.pk).values_list("date", flat=True)
    return BusinessCalendar(frozenset(closed))


def case_rule(case: Case) -> str:
    txn = case.transaction
    cardholder = txn.cardholder
    return rules.rule_for(case.program.consumer_regulation, cardholder.type if cardholder else None, txn.card_type)


def case_facts(case: Case) -> clocks.Facts:
    program, txn = case.program, case.transaction
    cardholder = txn.cardholder
    sent: dict = {}
    if case.pk:
        for kind, sent_at in Letter.objects.filter(case=case, sent_at__isnull=False).values_list("kind", "sent_at"):
            day = local_date(sent_at, program)
            sent[kind] = min(day, sent[kind]) if kind in sent else day
    return clocks.Facts(
        rule=case.regulation_rule,
        notice_on=local_date(case.notice_received_at or case.created or timezone.now(), program),
        transaction_on=local_date(txn.date, program),
        reason=case.reason, currency=txn.currency,
        account_opened_on=cardholder.account_opened_on if cardholder else None,
        billing_cycle_day=cardholder.billing_cycle_day if cardholder else None,
        granted_on=local_date(case.provisional_credit_granted_at, program),
        completed_on=local_date(case.investigation_completed_at, program),
        letters_sent=sent,
    )


def regulation_refresh(case: Case, *, today: date | None = None, cal: BusinessCalendar | None = None) -> list[str]:
    """Recompute the case's regulation columns in memory; return the names of those that changed."""
    program = case.program
    before = {name: getattr(case, name) for name in STORED_FIELDS}
    case.regulation_rule = case_rule(case)
    if not case.regulation_rule:
        # No clock: nothing to read (a case of an unregulated book opens without a calendar query).
        for name in DUE_FIELDS:
            setattr(case, name, None)
        case.regulation_status = RegulationStatus.NOT_APPLICABLE
        case.regulation_next_due = case.regulation_at_risk_on = case.regulation_breached_on = None
        case.next_deadline = lifecycle.next_deadline(case)
        return [name for name in STORED_FIELDS if getattr(case, name) != before[name]]
    if not case.notice_received_at:
        case.notice_received_at = case.created or timezone.now()
    cal = cal or program_calendar(program)
    today = today or program_today(program)
    facts = case_facts(case)
    dates = clocks.due_dates(facts, cal, today)
    for name in DUE_FIELDS:
        setattr(case, name, getattr(dates, name))
    result = clocks.clock_status(case.regulation_rule, clocks.steps(facts, dates), today, cal)
    case.regulation_status = result.status
    case.regulation_next_due = result.next_due
    case.regulation_at_risk_on = result.at_risk_on
    case.regulation_breached_on = result.breached_on
    case.next_deadline = lifecycle.next_deadline(case)
    return [name for name in STORED_FIELDS if getattr(case, name) != before[name]]


def regulation_save(case: Case) -> list[str]:
    """Refresh and store the regulation columns of a locked case (no event: the caller writes it)."""
    changed = regulation_refresh(case)
    if changed:
        case.save(update_fields=[*changed, "notice_received_at", "updated"])
    return changed


def clock_steps(case: Case) -> list[dict]:
    """The case's regulatory steps for display: name, due date, done day, business days left."""
    if not case.regulation_rule:
        return []
    cal, today = program_calendar(case.program), program_today(case.program)
    facts = case_facts(case)
    found = clocks.steps(facts, clocks.due_dates(facts, cal, today))
    return [{"step": s.name, "due": s.due, "done_on": s.done_on, "late": s.late,
             "business_days_left": None if s.done_on else cal.business_days_between(today, s.due),
             "citation": rules.CLOCK[(case.regulation_rule, s.name)].citation} for s in found]


def check_notice(moment: datetime, case_or_txn_date: datetime, field: str = "cardholder_notified_at") -> None:
    """The cardholder's notice is not in the future and not before the transaction (SPEC 13)."""
    if moment > timezone.now() + timedelta(minutes=5):
        raise ValidationFailed.single(field, "notice_in_future", "The cardholder's notice cannot be in the future.")
    if moment < case_or_txn_date:
        raise ValidationFailed.single(field, "notice_before_transaction",
                                      "The cardholder's notice cannot be before the transaction.")


def due_date_changes(case: Case) -> dict:
    return {"regulation": {"rule": case.regulation_rule or None, "status": case.regulation_status,
                           **{name: getattr(case, name).isoformat() if getattr(case, name) else None
                              for name in DUE_FIELDS}}}


def regulation_recompute_program(program: Program, **only) -> int:
    """Recompute every case of a program whose clock still runs (after its calendar, its settings or
    a cardholder's account facts change; `only` narrows the cases, e.g. transaction__cardholder=...)."""
    cal, today, count = program_calendar(program), program_today(program), 0
    running = (Case.objects.filter(program=program, **only)
               .filter(Q(status__in=ACTIVE_STATUSES) | Q(regulation_status__in=RUNNING))
               .select_related("program", "transaction", "transaction__cardholder").order_by("pk"))
    for case in running.iterator(chunk_size=500):
        with transaction.atomic():
            locked = lock_case(case)
            changed = regulation_refresh(locked, today=today, cal=cal)
            if changed:
                locked.save(update_fields=[*changed, "notice_received_at", "updated"])
                count += 1
    return count
