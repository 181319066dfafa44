"""The interface every card-network gateway speaks (SPEC section 12).

A gateway turns the system's filings into a network's wire and the network's queues back into
`InboundItem`s. The service layer (`cases/services/network_submissions.py`,
`cases/services/network_inbound.py`) only ever sees these types; Mastercom v6, the VROL-style wire
and the simulator stay behind them. Gateways do I/O and nothing else: they never touch the ORM.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol, runtime_checkable

# What the issuer asks of the network. `accept` accepts liability (the issuer gives up);
# `withdraw` recalls the issuer's own filing.
FilingKind = Literal["chargeback", "prearbitration", "arbitration", "accept", "withdraw"]

# What the network tells the issuer.
InboundKind = Literal[
    "representment",      # the acquirer re-presents (full or partial): record_representment
    "prearb_received",    # the acquirer files pre-arbitration (Visa allocation): record_prearb_received
    "prearb_response",    # the acquirer answers the issuer's pre-arbitration: record_prearb_rebuttal
    "merchant_accepted",  # the acquirer accepts the chargeback: win
    "ruling_issuer",      # a ruling, or the network closing in the issuer's favour: win
    "ruling_merchant",    # a ruling for the merchant: lose
]


@dataclass(frozen=True)
class Document:
    """A file on the wire, already packaged by the network's rules when it is outbound."""

    name: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class Filing:
    """One submission as the gateway sends it. `client_reference` is unique per submission and
    stable across retries: it is how the gateway asks the network whether a filing arrived."""

    client_reference: str
    kind: FilingKind
    network: str
    program: str  # the program's slug: selects the signing key
    case_id: str
    arn: str
    reason_code: str
    amount_minor: int  # the disputed amount (for a partial filing, the filed amount)
    currency: str
    claim_id: str = ""  # the network's claim / case id once the network knows the case
    network_case_id: str = ""  # the network's id of the filing this one answers (pre-arb, arbitration)
    note: str = ""
    documents: tuple[Document, ...] = ()


@dataclass(frozen=True)
class FilingResult:
    accepted: bool
    network_reference: str = ""  # e.g. Mastercom's chargebackId or caseId
    claim_id: str = ""  # the network's claim id, when this filing created or found it
    reason: str = ""  # the network's words when it refused the filing


@dataclass(frozen=True)
class InboundItem:
    """One item read from a network queue. `message_id` is unique per network and stable across
    reads, so a queue read twice is stored once."""

    message_id: str
    queue: str
    kind: InboundKind
    claim_id: str
    client_reference: str = ""  # the issuer's filing this item answers, when the network says
    network_case_id: str = ""
    amount_minor: int | None = None  # the represented / pre-arbitration amount
    currency: str = ""
    reason: str = ""
    documents: tuple[Document, ...] = ()
    raw: dict = field(default_factory=dict)  # the item as the network sent it, for the record


class GatewayError(Exception):
    """The network could not be reached or answered nonsense; the submission is retried.
    Messages never carry keys, signatures or card numbers."""


class PackagingError(Exception):
    """Evidence breaks the network's rules; nothing is sent. `problems` names each file."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@runtime_checkable
class NetworkGateway(Protocol):
    network: str  # a value of cases.choices Network: "mastercard" or "visa"

    def package(self, documents: list[Document]) -> list[Document]:
        """The documents as this network accepts them (renamed, within limits), or PackagingError."""

    def submit(self, filing: Filing) -> FilingResult:
        """Send the filing once. GatewayError when the outcome is unknown (timeout, 5xx)."""

    def lookup(self, filing: Filing) -> FilingResult | None:
        """Whether the network already holds this filing (by client reference): its result, or None."""

    def read_queues(self) -> list[InboundItem]:
        """Every item waiting in the network's queues for this issuer."""

    def acknowledge(self, items: list[InboundItem]) -> None:
        """Tell the network these items were stored, so its queues stop offering them."""
