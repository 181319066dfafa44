"""Card-network tasks (SPEC section 12): send submissions, poll the networks' queues.

`send_network_submissions` is enqueued after the commit that wrote the submissions, and by the
outbox relay for every due one (retries, a broker that was down, a worker that died); see
cases/services/network_submissions.py for why running it twice files nothing twice.
`apply_network_messages` is enqueued by the poll for each page it stored, once per apply lane; a
lost message costs a delay (the next poll applies what is waiting), never an item.
"""

from celery import shared_task

from cases.services import network_inbound, network_submissions, outbox


@shared_task(name="cases.send_network_submissions")
def send_network_submissions(ids: list[int], token: str | None = None) -> dict[str, int]:
    return network_submissions.submissions_send(ids, token)


@shared_task(name="cases.poll_networks")
def poll_networks() -> dict:
    return network_inbound.networks_poll(hand_off=True)


@shared_task(name="cases.apply_network_messages")
def apply_network_messages(network: str, lane: int | None = None) -> dict[str, int]:
    """The items a poll stored in one apply lane (None: all), applied while the poll reads on (one
    drain per lane at a time)."""
    return network_inbound.messages_apply_waiting(network, lane)


outbox.register_relay(outbox.Relay(
    name="network_submissions",
    queryset=network_submissions.unsettled_submissions,
    task=send_network_submissions,
    chunk=50,  # per task: one take, one round of sends on the thread pool, one recording transaction
))
