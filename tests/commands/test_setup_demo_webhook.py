"""`setup_demo_webhook` (make run): one demo endpoint per program, at the port make run serves on."""

import io

import pytest
from django.core.management import call_command

from cases.models import WebhookEndpoint


@pytest.fixture(autouse=True)
def private_urls(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True


def _run(*args) -> str:
    out = io.StringIO()
    call_command("setup_demo_webhook", "--program", "prog_a", *args, stdout=out, stderr=out)
    return out.getvalue()


def test_creates_one_endpoint_and_follows_the_port(program):
    assert "http://127.0.0.1:8000/webhooks/demo-receiver/" in _run()
    _run()
    assert list(WebhookEndpoint.objects.values_list("url", flat=True)) == ["http://127.0.0.1:8000/webhooks/demo-receiver/"]
    _run("--base-url", "http://127.0.0.1:8100/")
    assert list(WebhookEndpoint.objects.values_list("url", flat=True)) == ["http://127.0.0.1:8100/webhooks/demo-receiver/"]


def test_without_the_program_it_says_so(db):
    assert "run seed_demo first" in _run()
    assert not WebhookEndpoint.objects.exists()
