"""Claims group cases (Decisionly): create and replace the set, each moved case with an edit event."""

import pytest

from cases import services
from cases.actors import Actor
from cases.exceptions import CaseNotFound, PermissionDenied, ValidationFailed
from cases.models import Case, CaseEvent, Claim
from tests.factories import make_api_key, make_case


def claim_events(case):
    return [e.changes["claim"] for e in CaseEvent.objects.filter(case=case, kind="edit")]


def test_claim_create_groups_cases_with_events(program, analyst):
    a, b = make_case(program, case_id="ca"), make_case(program, case_id="cb")
    actor = Actor.for_user(analyst, request_id="cl-1")

    claim = services.claim_create(program=program, actor=actor, case_ids=["ca", "cb", "ca"], claim_id="claim_1")

    assert (claim.claim_id, claim.status) == ("claim_1", "open")
    assert set(Case.objects.filter(claim=claim).values_list("case_id", flat=True)) == {"ca", "cb"}
    for case in (a, b):
        assert claim_events(case) == [{"before": None, "after": "claim_1"}]
        event = CaseEvent.objects.filter(case=case, kind="edit").get()
        assert (event.actor, event.actor_user, event.request_id) == ("user:ana", analyst, "cl-1")
        assert Case.objects.get(pk=case.pk).version == 2


def test_claim_id_is_generated(program, analyst_actor):
    make_case(program, case_id="ca")
    claim = services.claim_create(program=program, actor=analyst_actor, case_ids=["ca"])
    assert claim.claim_id.startswith("claim_") and len(claim.claim_id) == 26


def test_claim_set_cases_replaces_the_set(program, analyst_actor):
    a, b, c = (make_case(program, case_id=i) for i in ("ca", "cb", "cc"))
    claim = services.claim_create(program=program, actor=analyst_actor, case_ids=["ca", "cb"], claim_id="claim_1")

    services.claim_set_cases(claim=claim, actor=analyst_actor, case_ids=["cb", "cc"])

    assert set(Case.objects.filter(claim=claim).values_list("case_id", flat=True)) == {"cb", "cc"}
    assert claim_events(a) == [{"before": None, "after": "claim_1"}, {"before": "claim_1", "after": None}]
    assert claim_events(b) == [{"before": None, "after": "claim_1"}]
    assert claim_events(c) == [{"before": None, "after": "claim_1"}]


def test_moving_a_case_between_claims(program, analyst_actor):
    case = make_case(program, case_id="ca")
    services.claim_create(program=program, actor=analyst_actor, case_ids=["ca"], claim_id="claim_1")
    services.claim_create(program=program, actor=analyst_actor, case_ids=["ca"], claim_id="claim_2")
    assert Case.objects.get(pk=case.pk).claim.claim_id == "claim_2"
    assert claim_events(case) == [{"before": None, "after": "claim_1"}, {"before": "claim_1", "after": "claim_2"}]


def test_unknown_or_foreign_case_is_not_found(program, other_program, analyst_actor):
    make_case(program, case_id="ca")
    make_case(other_program, case_id="foreign")
    for ids in (["ca", "nope"], ["foreign"]):
        with pytest.raises(CaseNotFound):
            services.claim_create(program=program, actor=analyst_actor, case_ids=ids)
    assert Claim.objects.count() == 0
    assert CaseEvent.objects.filter(kind="edit").count() == 0


@pytest.mark.parametrize("case_ids", [[], "ca", [1], None])
def test_case_ids_must_be_a_list_of_ids(program, analyst_actor, case_ids):
    make_case(program, case_id="ca")
    with pytest.raises(ValidationFailed):
        services.claim_create(program=program, actor=analyst_actor, case_ids=case_ids)
    assert Claim.objects.count() == 0


def test_claim_id_taken_and_invalid(program, analyst_actor):
    make_case(program, case_id="ca")
    services.claim_create(program=program, actor=analyst_actor, case_ids=["ca"], claim_id="claim_1")
    with pytest.raises(ValidationFailed) as excinfo:
        services.claim_create(program=program, actor=analyst_actor, case_ids=["ca"], claim_id="claim_1")
    assert excinfo.value.first.code == "claim_id_taken"
    with pytest.raises(ValidationFailed):
        services.claim_create(program=program, actor=analyst_actor, case_ids=["ca"], claim_id="bad id")
    assert Claim.objects.count() == 1


def test_read_key_may_not_create_claims(program):
    make_case(program, case_id="ca")
    key, _ = make_api_key(program, ["read"])
    with pytest.raises(PermissionDenied):
        services.claim_create(program=program, actor=Actor.for_api_key(key), case_ids=["ca"])
    assert Claim.objects.count() == 0
