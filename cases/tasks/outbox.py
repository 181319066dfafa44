"""The outbox relay (SPEC section 10), scheduled every few seconds: see cases/services/outbox.py."""

from celery import shared_task
from django.core.cache import cache

from cases.services import outbox

# While a backlog drains, one chain of relay runs follows itself through the queue (each run is
# queued behind the messages the previous one sent, so claims keep pace with the workers); the
# scheduled runs do not start a second chain beside it. The key lives in the shared cache
# (CACHE_URL); without one each worker process keeps its own, which allows a chain per process.
CHAIN_KEY = "outbox-relay-chain"
CHAIN_SECONDS = 60


@shared_task(name="cases.relay_outbox")
def relay_outbox(chained: bool = False) -> dict[str, int]:
    handed = outbox.relay_due()
    backlog = any(count >= outbox.RELAYS[name].limit for name, count in handed.items())
    if not backlog:
        if chained:
            cache.delete(CHAIN_KEY)
        return handed
    if chained:
        cache.set(CHAIN_KEY, 1, CHAIN_SECONDS)
    elif not cache.add(CHAIN_KEY, 1, CHAIN_SECONDS):
        return handed  # a chain is already draining the backlog
    outbox.enqueue(relay_outbox, True)
    return handed
