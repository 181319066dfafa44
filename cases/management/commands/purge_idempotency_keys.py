from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from cases.models import IdempotencyKey


class Command(BaseCommand):
    help = "Delete stored idempotency keys older than IDEMPOTENCY_KEY_TTL_HOURS (at least 24 h)."

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=int, default=None)

    def handle(self, *args, **opts):
        hours = max(24, opts["hours"] or settings.IDEMPOTENCY_KEY_TTL_HOURS)
        cutoff = timezone.now() - timedelta(hours=hours)
        deleted, _ = IdempotencyKey.objects.filter(created__lt=cutoff).delete()
        self.stdout.write(f"deleted={deleted} older_than_hours={hours}")
