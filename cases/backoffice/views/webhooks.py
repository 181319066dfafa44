"""Webhook endpoints in the back office (SPEC section 11), for supervisors (`manage_webhooks`):
list and create, edit events and status, rotate the secret, the delivery log with each attempt,
replay one delivery or every failed one since a time. The secret is shown once, on the page that
answers a create or a rotate, and never again."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views import View

from cases.backoffice.views.base import BackOfficeMixin, actor_for, redirect_after_post
from cases.choices import WebhookDeliveryStatus, WebhookEndpointStatus, WebhookFormat
from cases.exceptions import DisputeError
from cases.models import Program, WebhookDelivery, WebhookEndpoint
from cases.services import webhooks as services
from cases.webhooks.catalog import EVENT_TYPES
from cases.wire.reader import parse_when

LOG_PAGE = 50


class SupervisorMixin(BackOfficeMixin):
    permission_required = "cases.manage_webhooks"


def _endpoint(endpoint_id: str) -> WebhookEndpoint:
    endpoint = WebhookEndpoint.objects.select_related("program").filter(endpoint_id=endpoint_id).first()
    if endpoint is None:
        raise Http404("No such webhook endpoint.")
    return endpoint


def _fields(post) -> dict:
    return {"url": post.get("url", ""), "events": post.getlist("events"), "format": post.get("format", ""),
            "description": post.get("description", "")}


def _errors(exc: DisputeError) -> dict[str, str]:
    return {e.field or "": e.message for e in getattr(exc, "errors", [])} or {"": exc.message}


class EndpointListView(SupervisorMixin, View):
    def get(self, request, errors=None, values=None, status=200):
        endpoints = WebhookEndpoint.objects.select_related("program").order_by("program__program_id", "created")
        return render(request, "cases/webhooks/list.html", {
            "endpoints": endpoints, "programs": Program.objects.order_by("program_id"), "event_types": EVENT_TYPES,
            "formats": WebhookFormat.choices, "errors": errors or {}, "values": values or {"format": "standard"},
        }, status=status)

    def post(self, request):
        values = _fields(request.POST)
        program = Program.objects.filter(program_id=request.POST.get("program", "")[:126]).first()
        if program is None:
            return self.get(request, {"program": "Choose a program."}, values, status=422)
        try:
            endpoint, secret = services.endpoint_create(program=program, actor=actor_for(request), **values)
        except DisputeError as exc:
            return self.get(request, _errors(exc), values, status=exc.status)
        return render(request, "cases/webhooks/secret.html", {"endpoint": endpoint, "secret": secret, "created": True})


class EndpointDetailView(SupervisorMixin, View):
    def get(self, request, endpoint_id, errors=None, status=200):
        endpoint = _endpoint(endpoint_id)
        deliveries = WebhookDelivery.objects.filter(endpoint=endpoint).prefetch_related("attempt_log")
        shown = request.GET.get("status")
        if shown in WebhookDeliveryStatus.values:
            deliveries = deliveries.filter(status=shown)
        page = Paginator(deliveries, LOG_PAGE).get_page(request.GET.get("page"))
        return render(request, "cases/webhooks/detail.html", {
            "endpoint": endpoint, "page": page, "event_types": EVENT_TYPES, "formats": WebhookFormat.choices,
            "statuses": WebhookEndpointStatus.choices, "delivery_statuses": WebhookDeliveryStatus.choices,
            "shown": shown, "errors": errors or {},
        }, status=status)

    def post(self, request, endpoint_id):
        endpoint = _endpoint(endpoint_id)
        changes = {**_fields(request.POST), "status": request.POST.get("status", endpoint.status)}
        try:
            services.endpoint_update(endpoint=endpoint, actor=actor_for(request), **changes)
        except DisputeError as exc:
            return self.get(request, endpoint_id, _errors(exc), status=exc.status)
        messages.success(request, "Endpoint saved.")
        return redirect_after_post(request, reverse("cases:webhook_detail", args=[endpoint_id]))


class RotateSecretView(SupervisorMixin, View):
    def post(self, request, endpoint_id):
        endpoint, secret = services.endpoint_rotate_secret(endpoint=_endpoint(endpoint_id), actor=actor_for(request))
        return render(request, "cases/webhooks/secret.html", {"endpoint": endpoint, "secret": secret, "created": False})


class ReplayDeliveryView(SupervisorMixin, View):
    def post(self, request, endpoint_id, delivery_id):
        endpoint = _endpoint(endpoint_id)
        delivery = WebhookDelivery.objects.filter(endpoint=endpoint, pk=delivery_id).select_related("endpoint").first()
        if delivery is None:
            raise Http404("No such delivery.")
        try:
            services.delivery_replay(delivery=delivery, actor=actor_for(request))
            messages.success(request, f"Delivery {delivery.event_id} queued again.")
        except DisputeError as exc:
            messages.error(request, exc.message)
        return redirect_after_post(request, reverse("cases:webhook_detail", args=[endpoint_id]))


def replay_since(value: str):
    """The form's date and time: without an offset it is the viewer's (their time zone's), as shown."""
    try:
        parsed = parse_datetime(value) if isinstance(value, str) and len(value) <= 40 else None
    except ValueError:
        parsed = None
    if parsed is not None and timezone.is_naive(parsed):
        return parse_when(timezone.make_aware(parsed).isoformat())
    return parse_when(value)


class ReplayFailedView(SupervisorMixin, View):
    def post(self, request, endpoint_id):
        endpoint = _endpoint(endpoint_id)
        since = replay_since(request.POST.get("since", ""))
        if since is None:
            messages.error(request, "Give a date and time to replay from, e.g. 2026-11-30T08:00.")
        else:
            try:
                count = services.deliveries_replay_failed(endpoint=endpoint, actor=actor_for(request), since=since)
                messages.success(request, f"{count} failed deliveries queued again.")
            except DisputeError as exc:
                messages.error(request, exc.message)
        return redirect_after_post(request, reverse("cases:webhook_detail", args=[endpoint_id]))
