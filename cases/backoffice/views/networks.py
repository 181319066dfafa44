"""The case's card network in the back office (SPEC section 12): the case page's Network panel, the
Retry button of a failed or refused submission, the documents a network sent, and the supervisors'
page of network exceptions (/network-exceptions/)."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.generic import View

from cases import selectors
from cases.actors import actor_for
from cases.backoffice import display
from cases.backoffice.views.base import BackOfficeMixin, case_or_404, forbidden, redirect_after_post
from cases.choices import Network, NetworkMessageState, NetworkSubmissionState
from cases.exceptions import DisputeError, NetworkMessageNotFound, NetworkSubmissionNotFound
from cases.gateways import packaging
from cases.limits import MAX_NOTE
from cases.models import Evidence
from cases.models.evidence import evidence_storage
from cases.services import network_submissions as submissions

EXCEPTIONS_PERMISSION = "cases.view_network_exceptions"
EXCEPTIONS_PER_PAGE = 25
NETWORK_LABELS = dict(Network.choices)
SUBMISSION_TONES = {NetworkSubmissionState.ACKNOWLEDGED: "won", NetworkSubmissionState.REJECTED: "lost",
                    NetworkSubmissionState.FAILED: "lost", NetworkSubmissionState.QUEUED: "open",
                    NetworkSubmissionState.SENT: "progress"}
MESSAGE_TONES = {NetworkMessageState.APPLIED: "won", NetworkMessageState.UNMATCHED: "warn",
                 NetworkMessageState.FAILED: "lost", NetworkMessageState.RECEIVED: "open"}


def network_label(network: str) -> str:
    return NETWORK_LABELS.get(network, network.title() or "Unknown network")


# --- rows -------------------------------------------------------------------------------------

def submission_row(row, case, actor, back: str = "case") -> dict:
    """What a submission shows: the step, its state, both references, attempts, the error, the
    files as sent, what the packaging check refused, and Retry when this person may press it."""
    retrying = row.state in submissions.UNSETTLED and bool(row.last_error)
    retryable = submissions.submission_retryable(row)
    allowed = retryable and actor.has_perm(submissions.retry_permission(row))
    return {
        "id": row.pk, "kind": row.kind, "kind_label": row.get_kind_display(), "state": row.state,
        "network": network_label(row.network),
        "state_label": "Retrying" if retrying else row.get_state_display(),
        "tone": "warn" if retrying else SUBMISSION_TONES.get(row.state, "closed"),
        "client_reference": row.client_reference, "network_reference": row.network_reference,
        "amount": display.amount(row.amount, row.currency), "attempts": row.attempts, "last_error": row.last_error,
        "created": row.created, "sent_at": row.sent_at, "settled_at": row.settled_at,
        "files": [{"name": f.get("name", ""), "original_name": f.get("original_name", ""),
                   "content_type": f.get("content_type", ""), "size": display.filesize(f.get("size"))}
                  for f in row.files],
        "problems": row.packaging_problems,
        "retry_url": reverse("cases:case_submission_retry", args=[case.number, row.pk]) if allowed else "",
        "retry_refused": retryable and not allowed,
        "retry_step": display.transition_label(submissions.TRANSITION_FOR_KIND[row.kind]),
        "back": back, "case": case,
    }


def message_row(message, case) -> dict:
    """What a network message shows: its kind and id, when it came, its state (and why it is
    unmatched or failed), the network's words and each document, downloadable."""
    documents = []
    for index, document in enumerate(message.documents):
        evidence_id = document.get("evidence_id")
        url = (reverse("cases:evidence_download", args=[case.number, evidence_id]) if evidence_id and case
               else reverse("cases:network_document", args=[message.pk, index]))
        documents.append({"name": document.get("name", ""), "size": display.filesize(document.get("size")),
                          "url": url, "refused": document.get("refused", ""), "kept": bool(evidence_id)})
    return {
        "id": message.pk, "kind": message.kind, "kind_label": message.get_kind_display() or "Unknown kind",
        "message_id": message.message_id, "queue": message.queue, "network": network_label(message.network),
        "received": message.received, "applied_at": message.applied_at, "state": message.state,
        "state_label": message.get_state_display(), "tone": MESSAGE_TONES.get(message.state, "closed"),
        "error": message.error, "reason": message.reason, "claim_id": message.claim_id,
        "amount": display.amount(message.amount, message.currency), "documents": documents, "case": case,
    }


def _evidence(case, row: dict) -> Evidence:
    """An evidence row of the page as the model the packaging check reads (its file from storage)."""
    return Evidence(pk=row["id"], case=case, original_name=row["original_name"], content_type=row["content_type"],
                    category=row["category"], sha256=row["sha256"], size=row["size"], file=row["file"])


def network_panel(request, case, evidence_rows) -> dict | None:
    """The case page's Network panel; None (and no query) for a case whose network has no gateway
    and no claim. At most two queries: the submissions and the messages. The packaging check reads
    the evidence rows the page already holds."""
    if not submissions.has_gateway(case.network) and not case.network_claim_id:
        return None
    actor = actor_for(request)
    rows = [submission_row(row, case, actor) for row in selectors.case_network_submissions(case)]
    # A message finds its case by a submission's client reference or by the claim id: a case with
    # neither has none, and the page spares the query.
    received = [message_row(message, case) for message in selectors.case_network_messages(case)] \
        if rows or case.network_claim_id else []
    problems = []
    if case.is_active:
        problems = submissions.case_packaging_problems(case, [_evidence(case, r) for r in evidence_rows])
    return {
        "network": network_label(case.network), "claim_id": case.network_claim_id, "submissions": rows,
        "messages": received, "evidence_problems": problems or [], "check_failed": problems is None,
        "attention": bool(problems) or any(r["tone"] in ("lost", "warn") for r in rows + received),
    }


# --- retry ------------------------------------------------------------------------------------

class RetryForm(forms.Form):
    note = forms.CharField(required=False, max_length=MAX_NOTE)
    back = forms.ChoiceField(choices=[("case", "case"), ("exceptions", "exceptions")], required=False)


class SubmissionRetryView(BackOfficeMixin, View):
    """POST /cases/<number>/network-submissions/<id>/retry/: queue the submission again (SPEC 12)."""

    def post(self, request, number, submission_id):
        case = case_or_404(request, number)
        try:
            row = selectors.network_submission_get(case, submission_id)
        except NetworkSubmissionNotFound:
            raise Http404("No such submission on this case.") from None
        form = RetryForm(request.POST)
        case_url = reverse("cases:case_detail", args=[case.number])
        valid = form.is_valid()
        back = reverse("cases:network_exceptions") if valid and form.cleaned_data["back"] == "exceptions" \
            else case_url + "#network"
        if not valid:
            messages.error(request, " ".join(" ".join(e) for e in form.errors.values()))
            return redirect_after_post(request, back)
        label = f"{row.get_kind_display()} of case {case.case_id}"
        try:
            submissions.submission_retry(submission=row, actor=actor_for(request), note=form.cleaned_data["note"])
        except DisputeError as exc:
            if exc.status == 403:
                return forbidden(request, exc.message, back=back)
            messages.error(request, f"{label}: {exc.message}")
            return redirect_after_post(request, back)
        messages.success(request, f"{label}: queued for {network_label(row.network)} again.")
        return redirect_after_post(request, back)


# --- documents the network sent -------------------------------------------------------------

class NetworkDocumentView(BackOfficeMixin, View):
    """GET /network-messages/<id>/documents/<n>/: a document as the network sent it, kept in the
    evidence storage even when it was refused or its message matched no case. Served as an
    attachment, never rendered; a message matched to no case is a supervisor's to read."""

    def get(self, request, message_id, index):
        try:
            message = selectors.network_message_get(actor_for(request), message_id)
        except NetworkMessageNotFound:
            raise Http404("No such network message.") from None
        if message.case_id is None and not request.user.has_perm(EXCEPTIONS_PERMISSION):
            return forbidden(request, "Only a supervisor reads documents of a message that matched no case.")
        if not 0 <= index < len(message.documents) or not message.documents[index].get("path"):
            raise Http404("No such document.")
        document = message.documents[index]
        try:
            handle = evidence_storage().open(document["path"], "rb")
        except (FileNotFoundError, ValueError):
            raise Http404("The document is no longer available.") from None
        head = handle.read(8)
        handle.seek(0)
        kind = packaging.detect(head)
        response = FileResponse(handle, as_attachment=True, filename=document.get("name") or "document",
                                content_type=kind[0] if kind else "application/octet-stream")
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        response["Cache-Control"] = "private, no-store"
        return response


# --- the supervisors' page --------------------------------------------------------------------

def _page(queryset, request, name: str):
    return Paginator(queryset, EXCEPTIONS_PER_PAGE).get_page(request.GET.get(name))


class NetworkExceptionsView(BackOfficeMixin, View):
    """GET /network-exceptions/: failed, refused and retrying submissions and unmatched or failed
    messages across the programs the person sees, newest first, each linked to its case."""

    def get(self, request):
        if not request.user.has_perm(EXCEPTIONS_PERMISSION):
            return forbidden(request, "Only a supervisor sees the network exceptions.")
        actor = actor_for(request)
        submission_page = _page(selectors.network_submission_exceptions(actor), request, "submissions")
        message_page = _page(selectors.network_message_exceptions(actor), request, "messages")
        return render(request, "cases/network_exceptions.html", {
            "submission_page": submission_page, "message_page": message_page,
            "submissions": [submission_row(row, row.case, actor, back="exceptions") for row in submission_page],
            "messages_rows": [message_row(message, message.case) for message in message_page],
        })
