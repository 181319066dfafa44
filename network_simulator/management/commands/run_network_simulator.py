"""`manage.py run_network_simulator`: the simulated card networks on loopback (SPEC section 12)."""

import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from cases.gateways import keys
from network_simulator.router import ALIAS
from network_simulator.server import is_loopback, serve, serve_processes


class Command(BaseCommand):
    help = "Serve the simulated card networks (Mastercom v6 and the VROL-style wire) on loopback."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=None, help="default NETWORK_SIMULATOR_PORT (8001)")
        parser.add_argument("--host", default="127.0.0.1", help="a loopback address (default 127.0.0.1)")
        parser.add_argument("--workers", type=int, default=1,
                            help="server processes (default 1: Django's threaded server; more: gunicorn)")

    def handle(self, *args, host, port, workers, **options):
        if os.environ.get("DJANGO_HTTPS", "").strip().lower() in {"1", "true", "yes", "on"}:
            raise CommandError("The network simulator does not run under production settings (DJANGO_HTTPS=1).")
        if not is_loopback(host):
            raise CommandError("The network simulator listens on loopback only.")
        port = port or settings.NETWORK_SIMULATOR_PORT
        if settings.MASTERCOM_SIGNING_KEY_FILE:
            keys.ensure_sandbox_key(settings.MASTERCOM_SIGNING_KEY_FILE)
        os.makedirs(os.path.dirname(os.path.abspath(settings.NETWORK_SIMULATOR_DATABASE)), exist_ok=True)
        call_command("migrate", "network_simulator", database=ALIAS, interactive=False, verbosity=0)
        self.stdout.write(f"Network simulator on http://{host}:{port}/ (delay {settings.NETWORK_SIMULATOR_DELAY:g} s, "
                          f"database {settings.NETWORK_SIMULATOR_DATABASE})", ending="\n")
        self.stdout.flush()
        if workers > 1:
            serve_processes(host, port, workers)
        else:
            serve(host, port)
