"""Claims group cases (Decisionly /v2/issuer/claims)."""

from django.db import IntegrityError, transaction
from django.db.models import F

from cases.actors import Actor
from cases.choices import EventKind
from cases.exceptions import CaseNotFound, FieldError, ValidationFailed
from cases.models import Case, Claim, Program
from cases.services.events import event_record_many, require_perm

_ID = Case._meta.get_field("case_id").validators[0].regex


def _cases_for(program: Program, case_ids: object) -> list[Case]:
    # Ids are checked before any query: a NUL or an over-long string must be a 422, not a database error.
    if not isinstance(case_ids, list) or not case_ids or not all(isinstance(c, str) and _ID.match(c) for c in case_ids):
        raise ValidationFailed.single("case_ids", "invalid", "case_ids must be a non-empty list of case ids.")
    found = {c.case_id: c for c in Case.objects.filter(program=program, case_id__in=case_ids).select_related("claim")}
    missing = [c for c in case_ids if c not in found]
    if missing:
        raise CaseNotFound(f"No such case: {missing[0]}.", field="case_ids")
    return [found[c] for c in dict.fromkeys(case_ids)]


@transaction.atomic
def claim_create(*, program: Program, actor: Actor, case_ids: list, claim_id: str | None = None) -> Claim:
    require_perm(actor, "cases.add_claim", "You may not create claims.")
    from cases.services.creation import generate_case_id

    if claim_id is not None and (not isinstance(claim_id, str) or not _ID.match(claim_id)):
        raise ValidationFailed([FieldError("claim_id", "invalid", "claim_id is 1-126 letters, digits, '_' or '-'.")])
    cases = _cases_for(program, case_ids)
    claim_id = claim_id or generate_case_id().replace("case_", "claim_", 1)
    try:
        with transaction.atomic():
            claim = Claim.objects.create(program=program, claim_id=claim_id)
    except IntegrityError:
        raise ValidationFailed.single("claim_id", "claim_id_taken", f"A claim with id {claim_id!r} exists.") from None
    _move(cases, claim, actor)
    return claim


def _move(cases: list[Case], claim: Claim | None, actor: Actor) -> None:
    """Point cases at a claim (or none), with one edit event per case that changed."""
    moved = [c for c in cases if c.claim_id != (claim.pk if claim else None)]
    if not moved:
        return
    Case.objects.filter(pk__in=[c.pk for c in moved]).update(claim=claim, version=F("version") + 1)
    before = {c.pk: c.claim.claim_id if c.claim else None for c in moved}
    event_record_many(case_ids=list(before), actor=actor, kind=EventKind.EDIT, changes=lambda pk: {
        "claim": {"before": before[pk], "after": claim.claim_id if claim else None}})


@transaction.atomic
def claim_set_cases(*, claim: Claim, actor: Actor, case_ids: list) -> Claim:
    """Replace the claim's set of cases."""
    require_perm(actor, "cases.change_claim", "You may not change claims.")
    cases = _cases_for(claim.program, case_ids)
    keep = {c.pk for c in cases}
    _move([c for c in Case.objects.filter(claim=claim).select_related("claim") if c.pk not in keep], None, actor)
    _move(cases, claim, actor)
    claim.save(update_fields=["updated"])
    return claim
