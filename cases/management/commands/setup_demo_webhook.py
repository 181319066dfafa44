from django.core.management.base import BaseCommand

from cases.actors import Actor
from cases.models import Program, WebhookEndpoint
from cases.services import webhooks

DESCRIPTION = "Demo receiver (make run)"


class Command(BaseCommand):
    help = ("Point a webhook endpoint of the demo program at the back office's demo receiver "
            "(/webhooks/demo/ shows what arrives). Idempotent; for `make run` (needs WEBHOOK_ALLOW_PRIVATE_URLS=1).")

    def add_arguments(self, parser):
        parser.add_argument("--program", default="demo")
        parser.add_argument("--base-url", default="http://127.0.0.1:8000")

    def handle(self, *args, **opts):
        program = Program.objects.filter(program_id=opts["program"]).first()
        if program is None:
            self.stderr.write(f"No program {opts['program']!r}: run seed_demo first.")
            return
        url = opts["base_url"].rstrip("/") + "/webhooks/demo-receiver/"
        # One demo endpoint per program, following the port `make run` serves on this time.
        endpoint = WebhookEndpoint.objects.filter(program=program, description=DESCRIPTION).first()
        if endpoint is None:
            webhooks.endpoint_create(program=program, actor=Actor.for_system(), url=url, description=DESCRIPTION)
        elif endpoint.url != url:
            webhooks.endpoint_update(endpoint=endpoint, actor=Actor.for_system(), url=url)
        self.stdout.write(f"Webhooks of program {program.program_id} go to {url}; watch them at "
                          f"{opts['base_url'].rstrip('/')}/webhooks/demo/")
