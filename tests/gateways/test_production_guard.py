"""Production settings refuse the network simulator (SPEC section 12)."""

import os
import secrets
import subprocess
import sys

from tests.gateways.simulator import ROOT


def manage(*args, **env):
    inherited = {k: v for k, v in os.environ.items()
                 if not k.startswith(("DJANGO_", "NETWORK_", "MASTERCOM_", "VROL_")) and k != "DATABASE_URL"}
    full = {**inherited, "DJANGO_SETTINGS_MODULE": "disputes_site.settings", "DJANGO_DEBUG": "0", "DJANGO_HTTPS": "1",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(64), **env}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=full, capture_output=True, text=True,
                          timeout=120)


def test_production_refuses_to_start_with_the_simulator_configured():
    result = manage("check", NETWORK_SIMULATOR="1")
    assert result.returncode != 0
    assert "The network simulator is for development and tests" in result.stderr


def test_production_refuses_a_gateway_pointed_at_the_simulator():
    result = manage("check", NETWORK_SIMULATOR="0", MASTERCOM_BASE_URL="http://127.0.0.1:8001/mastercom")
    assert result.returncode != 0
    assert "The network simulator is for development and tests" in result.stderr


def test_production_with_the_networks_configured_starts_but_will_not_serve_the_simulator():
    configured = {"MASTERCOM_BASE_URL": "https://sandbox.api.mastercard.com/mastercom",
                  "VROL_BASE_URL": "https://vrol.example.com/vrol"}
    assert manage("check", **configured).returncode == 0
    refused = manage("run_network_simulator", "--port", "1", **configured)
    assert refused.returncode != 0 and "does not run under production settings" in refused.stderr


def test_development_settings_point_the_gateways_at_the_simulator():
    code = ("from django.conf import settings as s; "
            "print(s.NETWORK_SIMULATOR, s.MASTERCOM_BASE_URL, s.VROL_BASE_URL, s.NETWORK_SIMULATOR_DELAY)")
    result = manage("shell", "-c", code, DJANGO_DEBUG="1", DJANGO_HTTPS="0")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-4:] == ["True", "http://127.0.0.1:8001/mastercom", "http://127.0.0.1:8001/vrol", "20.0"]
