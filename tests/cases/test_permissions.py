"""Who may run what (SPEC section 3, "who" column) and who may edit what (sections 5 and 7)."""

from datetime import timedelta

import pytest

from cases import services
from cases.actors import Actor
from cases.choices import CaseStatus
from cases.exceptions import PermissionDenied
from cases.models import Case, CaseEvent
from tests.cases.spec_lifecycle import PATHS, SPEC_TABLE
from tests.factories import case_input, make_api_key, make_case, make_user

ANALYST = {"file_chargeback", "withdraw", "credit_merchant", "record_representment", "record_prearb_received",
           "file_prearbitration", "record_prearb_rebuttal", "win", "lose"}
SUPERVISOR = ANALYST | {"reject", "file_arbitration", "accept"}
EVERYTHING = {name for name, _, _ in SPEC_TABLE}
EXPECTED = {
    "analyst": ANALYST,
    "supervisor": SUPERVISOR,
    "plain_user": set(),
    "api_read": set(),
    "api_write": {"withdraw"},
    "api_manage": EVERYTHING - {"expire", "record_filing_rejected"},
    # The deadline sweep expires and accepts; creation outcomes reject and credit the merchant.
    "system": {"expire", "accept", "reject", "credit_merchant"},
    # `expire` is the deadline sweep's alone, `record_filing_rejected` the network's (SPEC 12): not
    # even a superuser runs them by hand.
    "superuser": EVERYTHING - {"expire", "record_filing_rejected"},
    # A card network's answers (SPEC 12).
    "network": {"record_representment", "record_prearb_received", "record_prearb_rebuttal", "win", "lose",
                "record_filing_rejected"},
}
# A source status for each transition, and its target.
EDGE = {name: (sources[0], target) for name, sources, target in SPEC_TABLE}
MATRIX = [(who, name) for who in EXPECTED for name in sorted(EVERYTHING)]


@pytest.fixture
def actor_for(db, program):
    def build(who: str) -> Actor:
        if who in ("analyst", "supervisor"):
            return Actor.for_user(make_user(f"{who}_x", who))
        if who == "plain_user":
            return Actor.for_user(make_user("plain_x"))
        if who == "superuser":
            return Actor.for_user(make_user("root_x", is_staff=True, is_superuser=True))
        if who == "system":
            return Actor.for_system()
        if who == "network":
            return Actor.for_network("mastercard")
        key, _ = make_api_key(program, [who.removeprefix("api_")], who)
        return Actor.for_api_key(key)

    return build


@pytest.mark.parametrize(("who", "name"), MATRIX, ids=[f"{w}-{n}" for w, n in MATRIX])
def test_transition_permission(program, actor_for, who, name):
    source, target = EDGE[name]
    case = make_case(program, path=PATHS[source])
    events_before = CaseEvent.objects.filter(case=case).count()
    actor = actor_for(who)

    if name in EXPECTED[who]:
        event = services.case_transition(case=case, transition=name, actor=actor)
        assert event.case.status == target
        assert Case.objects.get(pk=case.pk).status == target
        assert CaseEvent.objects.filter(case=case).last() == event and event.actor == actor.label
    else:
        with pytest.raises(PermissionDenied):
            services.case_transition(case=case, transition=name, actor=actor)
        assert Case.objects.get(pk=case.pk).status == source
        assert CaseEvent.objects.filter(case=case).count() == events_before


@pytest.mark.parametrize("who", list(EXPECTED))
def test_available_transitions_only_list_permitted_ones(program, actor_for, who):
    case = make_case(program, path=PATHS[CaseStatus.CHARGEBACK_REPRESENTED], reason=None, network_reason_code="4808")
    listed = {t["transition"] for t in services.case_available_transitions(case=case, actor=actor_for(who))}
    possible = {"withdraw", "credit_merchant", "file_prearbitration", "file_arbitration", "accept"}
    assert listed == possible & EXPECTED[who]


def test_api_key_scopes_imply_each_other(program):
    key, _ = make_api_key(program, ["manage"])
    assert [key.has_scope(s) for s in ("read", "write", "manage", "admin")] == [True, True, True, False]
    key, _ = make_api_key(program, ["write"])
    assert [key.has_scope(s) for s in ("read", "write", "manage")] == [True, True, False]
    key, _ = make_api_key(program, ["read"])
    assert [key.has_scope(s) for s in ("read", "write", "manage")] == [True, False, False]


# --- edits -------------------------------------------------------------------------------------

DEADLINE_EDITS = {"analyst": False, "supervisor": True, "plain_user": False, "api_read": False, "api_write": False,
                  "api_manage": True, "superuser": True}


@pytest.mark.parametrize("field", ["level", "internal_due_date", "due_date"])
@pytest.mark.parametrize("who", list(DEADLINE_EDITS))
def test_level_and_due_dates_are_supervisor_edits(program, actor_for, who, field):
    case = make_case(program)
    value = "level_2" if field == "level" else case.created.date() + timedelta(days=30)
    actor = actor_for(who)
    if DEADLINE_EDITS[who]:
        services.case_update(case=case, actor=actor, **{field: value})
        assert getattr(Case.objects.get(pk=case.pk), field) == value
    else:
        with pytest.raises(PermissionDenied):
            services.case_update(case=case, actor=actor, **{field: value})
        assert getattr(Case.objects.get(pk=case.pk), field) == getattr(case, field)
        assert CaseEvent.objects.filter(case=case, kind="edit").count() == 0


CONTENT_EDITS = {"analyst": True, "supervisor": True, "plain_user": False, "api_read": False, "api_write": True,
                 "api_manage": True}


@pytest.mark.parametrize("who", list(CONTENT_EDITS))
def test_custom_fields_and_issuer_evidence_edits(program, actor_for, who):
    case = make_case(program)
    actor = actor_for(who)
    if CONTENT_EDITS[who]:
        services.case_update(case=case, actor=actor, custom_fields={"k": "v"}, issuer_evidence={"a": 1})
        row = Case.objects.get(pk=case.pk)
        assert (row.custom_fields, row.issuer_evidence) == ({"k": "v"}, {"a": 1})
    else:
        with pytest.raises(PermissionDenied):
            services.case_update(case=case, actor=actor, custom_fields={"k": "v"})
        assert Case.objects.get(pk=case.pk).custom_fields == {}


REVIEW = {"analyst": False, "supervisor": True, "plain_user": False, "api_read": False, "api_write": False,
          "api_manage": True}


@pytest.mark.parametrize("who", list(REVIEW))
def test_mark_reviewed_is_a_supervisor_action(program, actor_for, who):
    program.review_threshold = 100
    program.save()
    case = make_case(program)
    actor = actor_for(who)
    if REVIEW[who]:
        services.case_mark_reviewed(case=case, actor=actor)
        assert Case.objects.get(pk=case.pk).review_status is None
    else:
        with pytest.raises(PermissionDenied):
            services.case_mark_reviewed(case=case, actor=actor)
        assert Case.objects.get(pk=case.pk).review_status == "chargeback_needs_review"


AMOUNT_AND_NOTES = {"analyst": True, "supervisor": True, "plain_user": False, "api_read": False, "api_write": True,
                    "api_manage": True}


@pytest.mark.parametrize("who", list(AMOUNT_AND_NOTES))
def test_amount_change_and_notes(program, actor_for, who):
    case = make_case(program)
    actor = actor_for(who)
    if AMOUNT_AND_NOTES[who]:
        services.case_change_amount(case=case, actor=actor, amount=1000, currency="USD")
        services.case_add_note(case=case, actor=actor, text="Called the cardholder.")
        assert Case.objects.get(pk=case.pk).disputed_amount == 1000
        assert CaseEvent.objects.filter(case=case, kind__in=["amount", "note"]).count() == 2
    else:
        with pytest.raises(PermissionDenied):
            services.case_change_amount(case=case, actor=actor, amount=1000, currency="USD")
        with pytest.raises(PermissionDenied):
            services.case_add_note(case=case, actor=actor, text="Called the cardholder.")
        assert Case.objects.get(pk=case.pk).disputed_amount == case.disputed_amount


def test_read_key_may_not_create_cases(program, actor_for):
    with pytest.raises(PermissionDenied):
        services.case_create(program=program, actor=actor_for("api_read"), data=case_input())
    assert Case.objects.count() == 0
