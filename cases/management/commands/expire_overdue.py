import time

from django.core.management.base import BaseCommand

from cases.services import cases_expire_overdue


class Command(BaseCommand):
    help = "Expire created cases past their chargeback due date; accept cases past their response deadline."

    def add_arguments(self, parser):
        # The batch size measured best at 1M cases (docs/performance.md, expire_overdue); larger
        # batches only hold their row locks longer.
        parser.add_argument("--batch-size", type=int, default=10_000)

    def handle(self, *args, **opts):
        started = time.monotonic()
        counts = cases_expire_overdue(batch_size=max(1, opts["batch_size"]))
        elapsed = time.monotonic() - started
        self.stdout.write(f"expired={counts['expire']} accepted={counts['accept']} seconds={elapsed:.2f}")
