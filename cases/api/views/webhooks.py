"""Webhook endpoints (SPEC section 11), scope `manage`: /api/v1/webhook-endpoints[/{id}[/...]].

An API key sees its own program's endpoints only; another program's endpoint is a 404.
"""

from rest_framework.response import Response

from cases.choices import ApiScope, WebhookDeliveryStatus
from cases.exceptions import FieldError, InvalidQuery, WebhookDeliveryNotFound, WebhookEndpointNotFound
from cases.models import WebhookDelivery, WebhookEndpoint
from cases.services import webhooks as services
from cases.wire.pagination import Key

from .. import webhook_schema as schema
from .base import ApiView, as_int, page_response, program_for_write

MANAGE = {method: ApiScope.MANAGE for method in ("GET", "POST", "PATCH", "DELETE")}
NEWEST_FIRST = (Key("pk", descending=True),)
PATCHABLE = ("url", "events", "format", "description", "status")


def endpoint_to_dict(endpoint: WebhookEndpoint, secret: str | None = None) -> dict:
    data = {"id": endpoint.endpoint_id, "program_id": endpoint.program.program_id, "url": endpoint.url,
            "description": endpoint.description, "events": endpoint.events, "format": endpoint.format,
            "status": endpoint.status, "disabled_reason": endpoint.disabled_reason or None,
            "created": endpoint.created, "updated": endpoint.updated}
    if secret is not None:
        data["secret"] = secret
    return data


def delivery_to_dict(delivery: WebhookDelivery) -> dict:
    return {
        "id": delivery.pk, "event_id": delivery.event_id, "event_type": delivery.event_type,
        "case_id": delivery.payload.get("data", {}).get("case_id"), "status": delivery.status,
        "attempts": delivery.attempts, "next_attempt_at": delivery.next_attempt_at,
        "last_status_code": delivery.last_status_code, "last_error": delivery.last_error,
        "created": delivery.created, "delivered_at": delivery.delivered_at, "payload": delivery.payload,
        "attempt_log": [{"created": a.created, "status_code": a.status_code, "latency_ms": a.latency_ms,
                         "response": a.response_excerpt, "error": a.error} for a in delivery.attempt_log.all()],
    }


class WebhookView(ApiView):
    required_scopes = MANAGE

    def endpoints(self):
        qs = WebhookEndpoint.objects.select_related("program")
        if self.actor.api_key is not None:
            qs = qs.filter(program_id=self.actor.api_key.program_id)
        return qs

    def endpoint(self, endpoint_id: str) -> WebhookEndpoint:
        endpoint = self.endpoints().filter(endpoint_id=endpoint_id).first()
        if endpoint is None:
            raise WebhookEndpointNotFound(f"No webhook endpoint {endpoint_id!r}.")
        return endpoint


@schema.endpoint_list
class WebhookEndpointListView(WebhookView):
    def get(self, request):
        return page_response(self, self.endpoints(), NEWEST_FIRST, endpoint_to_dict, "endpoint_id")

    def post(self, request):
        body = self.body()
        body.raise_errors()
        program = program_for_write(self, request.data)
        data = request.data
        endpoint, secret = services.endpoint_create(
            program=program, actor=self.actor, url=data.get("url"), events=data.get("events"),
            format=data.get("format", "standard"), description=data.get("description"))
        return Response(endpoint_to_dict(endpoint, secret), status=201)


@schema.endpoint_detail
class WebhookEndpointDetailView(WebhookView):
    def get(self, request, endpoint_id):
        return Response(endpoint_to_dict(self.endpoint(endpoint_id)))

    def patch(self, request, endpoint_id):
        endpoint = self.endpoint(endpoint_id)
        self.body().raise_errors()
        changes = {name: request.data[name] for name in PATCHABLE if name in request.data}
        endpoint = services.endpoint_update(endpoint=endpoint, actor=self.actor, **changes)
        return Response(endpoint_to_dict(endpoint))

    def delete(self, request, endpoint_id):
        services.endpoint_delete(endpoint=self.endpoint(endpoint_id), actor=self.actor)
        return Response(status=204)


@schema.rotate_secret
class WebhookRotateSecretView(WebhookView):
    def post(self, request, endpoint_id):
        endpoint, secret = services.endpoint_rotate_secret(endpoint=self.endpoint(endpoint_id), actor=self.actor)
        return Response(endpoint_to_dict(endpoint, secret))


@schema.delivery_list
class WebhookDeliveryListView(WebhookView):
    def get(self, request, endpoint_id):
        endpoint = self.endpoint(endpoint_id)
        deliveries = WebhookDelivery.objects.filter(endpoint=endpoint).prefetch_related("attempt_log")
        status = request.query_params.get("status")
        if status is not None:
            if status not in WebhookDeliveryStatus.values:
                raise InvalidQuery([FieldError("status", "invalid_choice",
                                               f"Must be one of: {', '.join(WebhookDeliveryStatus.values)}.")])
            deliveries = deliveries.filter(status=status)
        return page_response(self, deliveries, NEWEST_FIRST, delivery_to_dict, "pk", as_int)


@schema.delivery_replay
class WebhookDeliveryReplayView(WebhookView):
    def post(self, request, endpoint_id, delivery_id):
        endpoint = self.endpoint(endpoint_id)
        delivery = WebhookDelivery.objects.filter(endpoint=endpoint, pk=delivery_id).select_related("endpoint").first()
        if delivery is None:
            raise WebhookDeliveryNotFound(f"No delivery {delivery_id} of this endpoint.")
        delivery = services.delivery_replay(delivery=delivery, actor=self.actor)
        return Response(delivery_to_dict(delivery), status=202)


@schema.replay_failed
class WebhookReplayFailedView(WebhookView):
    def post(self, request, endpoint_id):
        endpoint = self.endpoint(endpoint_id)
        body = self.body()
        since = body.moment("since", required=True)
        body.raise_errors()
        count = services.deliveries_replay_failed(endpoint=endpoint, actor=self.actor, since=since)
        return Response({"replayed": count}, status=202)
