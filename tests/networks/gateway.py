"""A card network in memory for the service tests: a real class speaking the gateway Protocol
(cases/gateways/base.py), with Mastercard's packaging rules (JPEG, TIFF or PDF; names renamed to
16 characters; 18 MB per submission), scripted answers and queues."""

import contextlib
from dataclasses import dataclass, field

from cases import gateways
from cases.gateways.base import Document, Filing, FilingResult, GatewayError, InboundItem, PackagingError

TYPES = {"application/pdf", "image/jpeg", "image/tiff"}
MAX_TOTAL = 18 * 1024 * 1024


@dataclass
class MemoryGateway:
    network: str = "mastercard"
    filings: dict = field(default_factory=dict)  # client_reference -> (Filing, FilingResult)
    submits: list = field(default_factory=list)  # every submit call, in order
    lookups: list = field(default_factory=list)
    queue: list = field(default_factory=list)
    acknowledged: list = field(default_factory=list)
    refuse: dict = field(default_factory=dict)  # kind -> reason: refuse filings of that kind
    fail_next: int = 0  # submit calls that raise GatewayError before doing anything
    lose_answer_next: int = 0  # submit calls that file, then raise GatewayError (a timeout after arrival)
    unreachable: bool = False
    fail_acknowledge: bool = False
    claims: int = 0

    def package(self, documents: list[Document]) -> list[Document]:
        problems = [f"{d.name}: {d.content_type} is not accepted (JPEG, TIFF or PDF only)"
                    for d in documents if d.content_type not in TYPES]
        if sum(len(d.content) for d in documents) > MAX_TOTAL:
            problems.append("the files total more than 18 MB")
        if problems:
            raise PackagingError(problems)
        return [Document(name=(d.name if len(d.name) <= 16 else d.name[:12] + d.name[-4:]),
                         content_type=d.content_type, content=d.content) for d in documents]

    def submit(self, filing: Filing) -> FilingResult:
        self.submits.append(filing)
        if self.unreachable or self.fail_next:
            self.fail_next = max(0, self.fail_next - 1)
            raise GatewayError("connection refused")
        if filing.kind in self.refuse:
            result = FilingResult(accepted=False, reason=self.refuse[filing.kind])
        else:
            claim = filing.claim_id
            if not claim:
                self.claims += 1
                claim = f"CLM{self.claims:06d}"
            result = FilingResult(accepted=True, network_reference=f"{filing.kind[:2].upper()}-{len(self.filings) + 1}",
                                  claim_id=claim)
        self.filings[filing.client_reference] = (filing, result)
        if self.lose_answer_next:
            self.lose_answer_next -= 1
            raise GatewayError("read timed out")
        return result

    def lookup(self, filing: Filing) -> FilingResult | None:
        self.lookups.append(filing.client_reference)
        if self.unreachable:
            raise GatewayError("connection refused")
        found = self.filings.get(filing.client_reference)
        return found[1] if found else None

    def read_queues(self) -> list[InboundItem]:
        if self.unreachable:
            raise GatewayError("connection refused")
        return list(self.queue)

    def acknowledge(self, items: list[InboundItem]) -> None:
        if self.fail_acknowledge:
            raise GatewayError("acknowledge timed out")
        ids = {i.message_id for i in items}
        self.acknowledged += sorted(ids)
        self.queue = [i for i in self.queue if i.message_id not in ids]

    # --- test helpers

    def push(self, kind: str, claim_id: str, message_id: str | None = None, **extra) -> InboundItem:
        item = InboundItem(message_id=message_id or f"msg-{len(self.acknowledged) + len(self.queue) + 1}",
                           queue="Unworked", kind=kind, claim_id=claim_id, raw={"kind": kind, "claim": claim_id},
                           **extra)
        self.queue.append(item)
        return item

    def sent_kinds(self, case_id: str) -> list[str]:
        return [f.kind for f, _ in self.filings.values() if f.case_id == case_id]


@contextlib.contextmanager
def registered(gateway: MemoryGateway | None = None):
    """Only `gateway` in the registry of gateways (the process's, so a live server's thread sees
    it too; none at all for None), the real ones put back after."""
    saved = dict(gateways._factories)
    gateways._factories.clear()
    if gateway is not None:
        gateways.register(gateway.network)(lambda: gateway)
    try:
        yield gateway
    finally:
        gateways._factories.clear()
        gateways._factories.update(saved)
