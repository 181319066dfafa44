"""The OpenAPI description of the webhook-endpoint API (SPEC section 11; drf-spectacular)."""

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers as s

from cases.choices import WebhookDeliveryStatus, WebhookEndpointStatus, WebhookFormat
from cases.webhooks.catalog import EVENT_TYPES

from .representations.openapi import page_of
from .schema import IDEMPOTENCY_KEY, PAGE, errors

TAGS = ["webhooks"]
ENDPOINT_ID = OpenApiParameter("endpoint_id", str, OpenApiParameter.PATH, description="The endpoint's id (we_...).")
DELIVERY_ID = OpenApiParameter("delivery_id", int, OpenApiParameter.PATH)


class WebhookEndpointCreate(s.Serializer):
    url = s.URLField(help_text="https only in production; no private, loopback or link-local address.")
    events = s.ListField(child=s.ChoiceField(choices=EVENT_TYPES), required=False, allow_null=True,
                         max_length=len(EVENT_TYPES), help_text="Empty or null: every type.")
    format = s.ChoiceField(choices=WebhookFormat.choices, required=False, allow_null=True, default="standard",
                           help_text="Omitted or null: standard.")
    description = s.CharField(required=False, allow_blank=True, allow_null=True, max_length=500)


class WebhookEndpointPatch(WebhookEndpointCreate):
    url = s.URLField(required=False)
    format = s.ChoiceField(choices=WebhookFormat.choices, required=False)
    status = s.ChoiceField(choices=WebhookEndpointStatus.choices, required=False)


class WebhookEndpoint(s.Serializer):
    id = s.CharField()
    program_id = s.CharField()
    url = s.URLField()
    description = s.CharField()
    events = s.ListField(child=s.CharField())
    format = s.ChoiceField(choices=WebhookFormat.choices)
    status = s.ChoiceField(choices=WebhookEndpointStatus.choices)
    disabled_reason = s.CharField(allow_null=True)
    created = s.DateTimeField()
    updated = s.DateTimeField()


class WebhookEndpointWithSecret(WebhookEndpoint):
    secret = s.CharField(help_text="whsec_...: shown only in this answer. Verify signatures with it.")


class WebhookAttempt(s.Serializer):
    created = s.DateTimeField()
    status_code = s.IntegerField(allow_null=True)
    latency_ms = s.IntegerField()
    response = s.CharField(help_text="The first 1 KiB of the answer.")
    error = s.CharField()


class WebhookDelivery(s.Serializer):
    id = s.IntegerField()
    event_id = s.CharField(help_text="The webhook-id header, the same on every attempt.")
    event_type = s.CharField()
    case_id = s.CharField(allow_null=True)
    status = s.ChoiceField(choices=WebhookDeliveryStatus.choices)
    attempts = s.IntegerField()
    next_attempt_at = s.DateTimeField(allow_null=True)
    last_status_code = s.IntegerField(allow_null=True)
    last_error = s.CharField()
    created = s.DateTimeField()
    delivered_at = s.DateTimeField(allow_null=True)
    payload = s.DictField()
    attempt_log = WebhookAttempt(many=True)


class ReplaySince(s.Serializer):
    since = s.DateTimeField()


class ReplayResult(s.Serializer):
    replayed = s.IntegerField()


CREATE_EXAMPLE = OpenApiExample("Status changes to a receiver", request_only=True, value={
    "url": "https://hooks.example.com/disputes", "events": ["case.status_changed", "case.deadline_approaching"],
    "description": "Cardholder app"})

endpoint_list = extend_schema_view(
    get=extend_schema(tags=TAGS, summary="Webhook endpoints", operation_id="webhook_endpoints_list", parameters=PAGE,
                      responses={200: page_of(WebhookEndpoint), **errors(400)}),
    post=extend_schema(tags=TAGS, summary="Add a webhook endpoint", parameters=[IDEMPOTENCY_KEY],
                       request=WebhookEndpointCreate, examples=[CREATE_EXAMPLE],
                       responses={201: WebhookEndpointWithSecret, **errors(400, 422)}),
)
endpoint_detail = extend_schema_view(
    get=extend_schema(tags=TAGS, summary="A webhook endpoint", parameters=[ENDPOINT_ID],
                      responses={200: WebhookEndpoint, **errors(404)}),
    patch=extend_schema(tags=TAGS, summary="Change a webhook endpoint (url, events, format, description, status)",
                        parameters=[ENDPOINT_ID], request=WebhookEndpointPatch,
                        responses={200: WebhookEndpoint, **errors(400, 404, 422)}),
    delete=extend_schema(tags=TAGS, summary="Delete a webhook endpoint and its delivery log", parameters=[ENDPOINT_ID],
                         responses={204: None, **errors(404)}),
)
rotate_secret = extend_schema_view(post=extend_schema(
    tags=TAGS, summary="Rotate the signing secret (the old one signs beside the new one for 24 h)",
    parameters=[ENDPOINT_ID, IDEMPOTENCY_KEY], request=None,
    responses={200: WebhookEndpointWithSecret, **errors(404)}))
delivery_list = extend_schema_view(get=extend_schema(
    tags=TAGS, summary="The endpoint's deliveries, newest first, with their attempts",
    parameters=[ENDPOINT_ID, *PAGE, OpenApiParameter("status", str, enum=WebhookDeliveryStatus.values)],
    responses={200: page_of(WebhookDelivery), **errors(400, 404)}))
delivery_replay = extend_schema_view(post=extend_schema(
    tags=TAGS, summary="Send one delivery again (same webhook-id)", parameters=[ENDPOINT_ID, DELIVERY_ID],
    request=None, responses={202: WebhookDelivery, **errors(404, 409)}))
replay_failed = extend_schema_view(post=extend_schema(
    tags=TAGS, summary="Send again every failed delivery since a time", parameters=[ENDPOINT_ID, IDEMPOTENCY_KEY],
    request=ReplaySince, responses={202: ReplayResult, **errors(400, 404, 409, 422)}))
