"""The simulator's scenarios end to end, as one table: the disputed amount (its last two digits pick
the network's answer, SPEC section 12) -> what the case system ends with. docs/networks.md's table
"End to end" is this table (tests/network_e2e/test_end_to_end.py checks that it says the same).

Each case is created and filed (`file_chargeback`) through the API; each of `steps` is run through
the API once the answer before it is applied. Every filing is acknowledged by the network except a
chargeback ending 04, which the network refuses.
"""

from dataclasses import dataclass

from cases.services.network_inbound import TRANSITION_FOR_KIND

# Answers that carry the merchant's documents (the simulator's merchresp.pdf) and an amount.
WITH_DOCUMENTS = ("representment", "prearb_received")


@dataclass(frozen=True)
class Expected:
    network: str
    steps: tuple[str, ...]  # the issuer's transitions after file_chargeback, each once the answer before it is in
    answers: tuple[str, ...]  # the network's queue items, in order (their kinds)
    status: str  # the case's final status
    represented: str | None = None  # "full" or "half": the amount of the representment / acquirer's pre-arbitration
    reason: str = "dispute"  # "fraud": a fraud reason code (the simulator represents 07/08 and others only then)
    reason_code: str | None = None  # a network reason code named on the case (4870 skips pre-arbitration)

    @property
    def filings(self) -> tuple[str, ...]:
        """The submissions the case writes, by kind."""
        return ("chargeback", *(step.removeprefix("file_") for step in self.steps))

    @property
    def rejected(self) -> bool:
        return not self.answers

    def events(self, amount: int) -> list[str]:
        """The case's events by the actor network:<name>, in order (see `event_label`)."""
        if self.rejected:
            return ["network_filing:chargeback:rejected", "transition:record_filing_rejected", "edit:review_status"]
        events = []
        filings = list(self.filings)
        for index, answer in enumerate(self.answers):
            if index < len(filings):
                events.append(f"network_filing:{filings[index]}:acknowledged")
            if answer in WITH_DOCUMENTS:
                events.append("evidence:merchant_response")
            events += [f"transition:{TRANSITION_FOR_KIND[answer]}", f"network_response:{answer}:applied"]
        return events

    def amount_of(self, answer: str, amount: int) -> int | None:
        if answer not in WITH_DOCUMENTS:
            return None
        return amount // 2 if self.represented == "half" else amount


MC, VISA = "mastercard", "visa"
REPRESENTED = "chargeback_represented"

# amount in minor units -> what the case ends with
EXPECTED: dict[int, Expected] = {
    25_01: Expected(MC, (), ("merchant_accepted",), "won"),
    25_02: Expected(MC, (), ("representment",), REPRESENTED, "full"),
    25_03: Expected(MC, (), ("representment",), REPRESENTED, "half"),
    25_04: Expected(MC, (), (), "created"),
    25_05: Expected(MC, (), ("ruling_issuer",), "won"),
    25_06: Expected(MC, (), ("prearb_received",), "prearb_received", "full"),
    25_07: Expected(MC, ("file_prearbitration",), ("representment", "merchant_accepted"), "won", "full", "fraud"),
    25_08: Expected(MC, ("file_prearbitration",), ("representment", "ruling_merchant"), "lost", "full", "fraud"),
    35_06: Expected(MC, ("file_arbitration",), ("prearb_received", "ruling_issuer"), "won", "full"),
    45_07: Expected(MC, ("file_arbitration",), ("representment", "ruling_issuer"), "won", "full", "fraud", "4870"),
    45_08: Expected(MC, ("file_arbitration",), ("representment", "ruling_merchant"), "lost", "full", "fraud", "4870"),
    26_01: Expected(VISA, (), ("merchant_accepted",), "won"),
    26_02: Expected(VISA, (), ("representment",), REPRESENTED, "full"),
    26_03: Expected(VISA, (), ("representment",), REPRESENTED, "half"),
    26_04: Expected(VISA, (), (), "created"),
    26_05: Expected(VISA, (), ("ruling_issuer",), "won"),
    26_06: Expected(VISA, (), ("prearb_received",), "prearb_received", "full"),
    26_07: Expected(VISA, ("file_prearbitration",), ("representment", "merchant_accepted"), "won", "full", "fraud"),
    26_08: Expected(VISA, ("file_prearbitration",), ("representment", "ruling_merchant"), "lost", "full", "fraud"),
    36_06: Expected(VISA, ("file_arbitration",), ("prearb_received", "ruling_issuer"), "won", "full"),
}
