"""Decisionly issuer API endpoints (SPEC section 6.2), each a translator onto cases.services.

Create a case https://docs.decisionly.com/api-reference/v2-cases/create-a-case, list/retrieve/
update (PUT) …/v2-cases/*, file …/v2-cases/file-a-case, claims …/v2-claims/*.
"""

from django.http import JsonResponse

from cases import selectors, services
from cases.exceptions import ValidationFailed
from cases.wire.case_shape import claim_to_dict
from cases.wire.pagination import CASE_KEYSETS, keyset_list
from providers.base import endpoint, json_object
from providers.decisionly.errors import render_error
from providers.decisionly.shape import parse_case, render_case

FILE_MODES = ("auto", "chargeback")


def _check_program_id(body: dict, actor) -> None:
    """A key belongs to one program: `program_id` may only name it, never pick another tenant."""
    program_id = body.get("program_id")
    if program_id is not None and program_id != actor.api_key.program.program_id:
        raise ValidationFailed.single("program_id", "invalid",
                                      "program_id does not match the program of this API key.")


def create_case(request, actor):
    body = json_object(request)
    _check_program_id(body, actor)
    case = services.case_create(program=actor.api_key.program, actor=actor, data=parse_case(body))
    # Rendered from the objects the service wrote: the program, transaction and parties are loaded.
    return JsonResponse(render_case(case), status=201)


# Newest first, paged by keyset on (created, number): the native API's cursor pagination
# (https://docs.decisionly.com/pagination: limit, starting_after, ending_before -> {has_more, data}).
NEWEST_FIRST = CASE_KEYSETS["-created"]


def list_cases(request, actor):
    return JsonResponse(keyset_list(selectors.case_queryset(actor), request.GET, NEWEST_FIRST, render_case,
                                    cursor_field="case_id"))


def retrieve_case(request, actor, case_id):
    return JsonResponse(render_case(selectors.case_get(actor, case_id)))


def update_case(request, actor, case_id):
    """Custom fields merge (null removes a key, https://docs.decisionly.com/custom-fields);
    issuer evidence is replaced and may change only while the case is `created`."""
    case = selectors.case_get(actor, case_id)
    body = json_object(request)
    _check_program_id(body, actor)
    changes = {name: body[name] for name in ("custom_fields", "issuer_evidence") if name in body}
    if changes:
        services.case_update(case=case, actor=actor, **changes)
    return JsonResponse(render_case(selectors.case_get(actor, case_id)))


def file_case(request, actor, case_id):
    """`chargeback` files regardless of workflow rules; `auto` files when every filing condition
    holds and otherwise flags the case for review (https://docs.decisionly.com/filing)."""
    case = selectors.case_get(actor, case_id)
    body = json_object(request)
    mode = body.get("file_mode")
    if mode is None:
        raise ValidationFailed.single("file_mode", "required", "file_mode is required: auto or chargeback.")
    if mode not in FILE_MODES:
        raise ValidationFailed.single("file_mode", "invalid", "file_mode must be auto or chargeback.")
    if mode == "auto":
        services.case_file_or_flag(case=case, actor=actor)
    else:
        services.case_transition(case=case, transition="file_chargeback", actor=actor)
    return JsonResponse({"success": True}, status=202)


def create_claim(request, actor):
    body = json_object(request)
    claim = services.claim_create(program=actor.api_key.program, actor=actor, case_ids=body.get("case_ids"),
                                  claim_id=body.get("claim_id"))
    return JsonResponse(claim_to_dict(selectors.claim_get(actor, claim.claim_id)), status=201)


def set_claim_cases(request, actor, claim_id):
    """`case_ids` replaces the claim's full set of cases (…/v2-claims/set-claim-cases)."""
    claim = selectors.claim_get(actor, claim_id)
    body = json_object(request)
    services.claim_set_cases(claim=claim, actor=actor, case_ids=body.get("case_ids"))
    return JsonResponse(claim_to_dict(selectors.claim_get(actor, claim_id)))


cases_view = endpoint(render_error, GET=list_cases, POST=create_case)
case_view = endpoint(render_error, GET=retrieve_case, PUT=update_case)
file_view = endpoint(render_error, POST=file_case)
claims_view = endpoint(render_error, POST=create_claim)
claim_cases_view = endpoint(render_error, PUT=set_claim_cases)
