"""The case page (/cases/<number>/): every fact, the evidence, notes, timeline and the actions a user may run."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import render
from django.urls import reverse
from django.views.generic import View

from cases import approval_rules, selectors, services
from cases.actors import actor_for
from cases.backoffice import display
from cases.backoffice.forms import AmountForm, DeadlinesForm, EvidenceForm, NoteForm, ReviewForm
from cases.backoffice.views.approvals import request_rows
from cases.backoffice.views.base import BackOfficeMixin, case_or_404
from cases.backoffice.views.networks import network_panel
from cases.backoffice.views.regulation import regulation_panel
from cases.choices import EventKind, NetworkMessageKind, NetworkSubmissionKind
from cases.services.assignment import assignable_users

FORM_PANELS = {"note": "can_note", "evidence": "can_upload", "deadlines": "can_edit_deadlines",
               "amount": "can_change_amount", "review": "can_review"}


# Button tones: steps that move the dispute forward stand out; steps that give it up warn.
GIVING_UP = frozenset({"reject", "accept", "lose", "withdraw"})
NEUTRAL = frozenset({"credit_merchant", "win"})


def person_transitions(request, case) -> list[dict]:
    """The transitions this user may run now (permission held), each with its unmet conditions."""
    actor = actor_for(request)
    transitions = services.case_available_transitions(case=case, actor=actor)
    for t in transitions:
        name = t["transition"]
        t["tone"] = "warn" if name in GIVING_UP else "" if name in NEUTRAL else "primary"
        t["url"] = reverse("cases:case_transition", args=[case.number, name])
        # Maker-checker: the button leads to the request form (a reason is asked), not straight to the step.
        t["needs_approval"] = approval_rules.needs_approval(case, name, actor)
    # Forward steps first, then the neutral ones, the giving-up ones last.
    return sorted(transitions, key=lambda t: {"primary": 0, "": 1, "warn": 2}[t["tone"]])


def case_capabilities(user, case, *, evidence_count: int) -> dict:
    return {
        "can_note": user.has_perm("cases.add_case_note"),
        "can_upload": user.has_perm("cases.add_evidence") and evidence_count < settings.EVIDENCE_MAX_FILES,
        "can_edit_deadlines": user.has_perm("cases.edit_case_deadlines") and case.is_active,
        "can_review": user.has_perm("cases.mark_case_reviewed") and case.review_status is not None,
        "can_change_amount": user.has_perm("cases.change_case_amount") and case.is_active,
        "can_take": user.has_perm("cases.take_case") and case.is_active and case.assignee_id is None,
        "can_assign": user.has_perm("cases.assign_case") and (case.is_active or case.assignee_id is not None),
    }


HEADLINES = {EventKind.CREATED: "Case created", EventKind.NOTE: "Note", EventKind.AMOUNT: "Disputed amount changed",
             EventKind.REGULATION: "Regulatory clock", EventKind.CREDIT: "Provisional credit",
             EventKind.LETTER: "Letter sent", EventKind.REG_DUE_SOON: "Regulatory deadline approaching",
             EventKind.REG_DUE_12H: "Resolution deadline in 12 hours", EventKind.ASSIGNMENT: "Assignee changed",
             EventKind.NETWORK_SUBMISSION: "Network submission", EventKind.NETWORK_RESPONSE: "Network response"}


def timeline_entries(events) -> list[dict]:
    """What the timeline and the notes show for each event (rows of selectors.case_timeline): labels
    and change rows; `created` stays a datetime for the template's `date` filter."""
    entries = []
    for event in events:
        kind = event["kind"]
        entry = {"kind": kind, "created": event["created"], "actor": event["actor"], "note": event["note"],
                 "headline": HEADLINES.get(kind, "Edited")}
        if kind == EventKind.TRANSITION:
            entry.update(title=display.transition_label(event["transition"]),
                         from_label=display.status_label(event["from_status"]),
                         to_label=display.status_label(event["to_status"]))
        elif kind == EventKind.EVIDENCE:
            changes = event["changes"] if isinstance(event["changes"], dict) else {}
            entry.update(name=changes.get("name", ""), category=display.choice_label(changes.get("category", "")))
        elif kind in (EventKind.EDIT, EventKind.AMOUNT, EventKind.ASSIGNMENT):
            entry["changes"] = display.change_rows(event["changes"])
        elif kind in (EventKind.CREDIT, EventKind.LETTER, EventKind.REG_DUE_SOON, EventKind.REG_DUE_12H):
            entry["detail"] = event["transition"].replace("_", " ")
        elif kind in (EventKind.NETWORK_SUBMISSION, EventKind.NETWORK_RESPONSE):
            entry["detail"] = network_event_detail(kind, event["changes"])
        entries.append(entry)
    return entries


def network_event_detail(kind, changes) -> str:
    """One line for a network event: the step or item kind, its state and references."""
    changes = changes if isinstance(changes, dict) else {}
    labels = dict(NetworkSubmissionKind.choices) if kind == EventKind.NETWORK_SUBMISSION else dict(
        NetworkMessageKind.choices)
    parts = [labels.get(changes.get("kind"), str(changes.get("kind") or "")), str(changes.get("state") or "")]
    for key in ("network_reference", "network_claim_id", "message_id"):
        if changes.get(key):
            parts.append(f"{key.replace('_', ' ')} {changes[key]}")
    return " · ".join(part for part in parts if part)


def evidence_rows(case, files, network: dict | None = None) -> list[dict]:
    """The evidence table's rows (rows of selectors.case_evidence_files), each file the case's
    network would refuse flagged with the network's name."""
    refused = {p["evidence_id"] for p in network["evidence_problems"]} if network else set()
    return [{"url": reverse("cases:evidence_download", args=[case.number, f["id"]]), "name": f["original_name"],
             "content_type": f["content_type"], "category": display.choice_label(f["category"]),
             "size": display.filesize(f["size"]), "created": f["created"],
             "uploaded_by": f["uploaded_by"], "description": f["description"],
             "refused_by": network["network"] if f["id"] in refused else ""} for f in files]


def render_case_page(request, case, *, forms: dict | None = None, status: int = 200):
    """The case page, with any bound form (holding its errors) in place of the blank one."""
    forms = forms or {}
    files = list(selectors.case_evidence_files(case))
    capabilities = case_capabilities(request.user, case, evidence_count=len(files))
    for key, form in forms.items():
        # The form's panel is gone (the case closed, the review was cleared): say why above the page.
        if not capabilities.get(FORM_PANELS.get(key), True):
            for errors in form.errors.values():
                messages.error(request, " ".join(errors))
    timeline = timeline_entries(selectors.case_timeline(case))
    network = network_panel(request, case, files)
    context = {
        "case": case,
        "transaction": case.transaction,
        "merchant": case.transaction.merchant,
        "cardholder": case.transaction.cardholder,
        "evidence_files": evidence_rows(case, files, network),
        "events": timeline[::-1],
        "notes": [e for e in timeline if e["kind"] == EventKind.NOTE][::-1],
        "transitions": person_transitions(request, case),
        "note_form": forms.get("note") or NoteForm(),
        "evidence_form": forms.get("evidence") or EvidenceForm(),
        "deadlines_form": forms.get("deadlines") or DeadlinesForm(case=case),
        "amount_form": forms.get("amount") or AmountForm(case=case),
        "review_form": forms.get("review") or ReviewForm(),
        "evidence_max_mib": settings.EVIDENCE_MAX_BYTES // (1024 * 1024),
        "evidence_max_files": settings.EVIDENCE_MAX_FILES,
        "regulation": regulation_panel(request, case),
        "network": network,
        # Read only when the supervisor's assign form is shown (one query).
        "assignable_users": assignable_users() if capabilities["can_assign"] else (),
        "approvals": request_rows(selectors.case_approvals_pending(case), request.user),
        **capabilities,
    }
    return render(request, "cases/case_detail.html", context, status=status)


class CaseDetailView(BackOfficeMixin, View):
    def get(self, request, number):
        return render_case_page(request, case_or_404(request, number))
