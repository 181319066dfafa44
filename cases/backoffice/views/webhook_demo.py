"""The demo webhook receiver (`make run`): an endpoint URL on this server that accepts webhooks,
checks their signatures with `standardwebhooks`, and a page that shows the last ones received.

For development only: it answers only when WEBHOOK_DEMO_RECEIVER is on (by default with DEBUG).
Received messages are kept in the cache (the last 50): one process (the development server), or
every process sharing CACHE_URL.
"""

import json

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from standardwebhooks import Webhook, WebhookVerificationError

from cases.backoffice.views.webhooks import SupervisorMixin
from cases.choices import WebhookEndpointStatus
from cases.models import WebhookEndpoint
from cases.services.webhook_delivery import signing_secrets

CACHE_KEY = "webhook-demo-received"
KEEP = 50


def enabled() -> bool:
    return bool(getattr(settings, "WEBHOOK_DEMO_RECEIVER", settings.DEBUG))


def _verify(request, body: bytes) -> str:
    """The endpoint whose secret verifies this message, or ''."""
    headers = {k.lower(): v for k, v in request.headers.items()}
    now = timezone.now()
    for endpoint in WebhookEndpoint.objects.filter(status=WebhookEndpointStatus.ENABLED,
                                                   url__endswith=request.path):
        for secret in signing_secrets(endpoint, now):
            try:
                Webhook(secret).verify(body, headers)
                return endpoint.endpoint_id
            except WebhookVerificationError:
                continue
    return ""


@method_decorator(csrf_exempt, name="dispatch")
class DemoReceiverView(View):
    def post(self, request):
        if not enabled():
            raise Http404
        body = request.body[:65536]
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = None
        entry = {"received": timezone.now().isoformat(timespec="seconds"), "webhook_id": request.headers.get("webhook-id", ""),
                 "type": parsed.get("type", "") if isinstance(parsed, dict) else "",
                 "verified_for": _verify(request, body), "body": body.decode("utf-8", "replace")[:2000]}
        received = cache.get(CACHE_KEY) or []
        cache.set(CACHE_KEY, [entry, *received][:KEEP], None)
        return HttpResponse(status=204)


class DemoReceiverPageView(SupervisorMixin, View):
    def get(self, request):
        if not enabled():
            raise Http404
        return render(request, "cases/webhooks/demo_receiver.html", {
            "received": cache.get(CACHE_KEY) or [],
            "receiver_url": request.build_absolute_uri("/webhooks/demo-receiver/"),
        })
