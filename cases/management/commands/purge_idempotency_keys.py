from django.core.management.base import BaseCommand

from cases.services.maintenance import idempotency_keys_purge


class Command(BaseCommand):
    help = "Delete stored idempotency keys older than IDEMPOTENCY_KEY_TTL_HOURS (at least 24 h)."

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=int, default=None)

    def handle(self, *args, **opts):
        result = idempotency_keys_purge(hours=opts["hours"])
        self.stdout.write(f"deleted={result['deleted']} older_than_hours={result['older_than_hours']}")
