"""The SPEC section 3 lifecycle table written out by hand, so the model is checked against the contract."""

from cases.choices import CaseStatus

S = CaseStatus
ACTIVE = [S.CREATED, S.CHARGEBACK_FILED, S.CHARGEBACK_REPRESENTED, S.PREARB_RECEIVED, S.PREARB_FILED,
          S.PREARB_REBUTTED, S.ARBITRATION_FILED]

SPEC_TABLE = [
    ("file_chargeback", [S.CREATED], S.CHARGEBACK_FILED),
    ("reject", [S.CREATED], S.REJECTED),
    ("expire", [S.CREATED], S.EXPIRED),
    ("withdraw", ACTIVE, S.WITHDRAWN),
    ("credit_merchant", ACTIVE, S.MERCHANT_CREDITED),
    ("record_representment", [S.CHARGEBACK_FILED], S.CHARGEBACK_REPRESENTED),
    ("record_prearb_received", [S.CHARGEBACK_FILED], S.PREARB_RECEIVED),
    ("file_prearbitration", [S.CHARGEBACK_REPRESENTED], S.PREARB_FILED),
    ("record_prearb_rebuttal", [S.PREARB_FILED], S.PREARB_REBUTTED),
    ("file_arbitration", [S.PREARB_REBUTTED, S.PREARB_RECEIVED, S.CHARGEBACK_REPRESENTED], S.ARBITRATION_FILED),
    ("accept", [S.CHARGEBACK_REPRESENTED, S.PREARB_RECEIVED, S.PREARB_REBUTTED], S.ACCEPTED),
    ("win", [S.CHARGEBACK_FILED, S.PREARB_FILED, S.ARBITRATION_FILED], S.WON),
    ("lose", [S.CHARGEBACK_FILED, S.PREARB_FILED, S.ARBITRATION_FILED], S.LOST),
    # SPEC section 12: the network refused the chargeback filing (system-only, the network's actor).
    ("record_filing_rejected", [S.CHARGEBACK_FILED], S.CREATED),
]
ALL_TRANSITIONS = [name for name, _, _ in SPEC_TABLE]
ALLOWED_EDGES = [(name, source, target) for name, sources, target in SPEC_TABLE for source in sources]
ALLOWED_FROM = {status: {name for name, source, _ in ALLOWED_EDGES if source == status} for status in S}
FORBIDDEN_EDGES = [(status, name) for status in S for name in ALL_TRANSITIONS if name not in ALLOWED_FROM[status]]

# How to reach each status from `created`.
PATHS = {
    S.CREATED: [],
    S.CHARGEBACK_FILED: ["file_chargeback"],
    S.CHARGEBACK_REPRESENTED: ["file_chargeback", "record_representment"],
    S.PREARB_RECEIVED: ["file_chargeback", "record_prearb_received"],
    S.PREARB_FILED: ["file_chargeback", "record_representment", "file_prearbitration"],
    S.PREARB_REBUTTED: ["file_chargeback", "record_representment", "file_prearbitration", "record_prearb_rebuttal"],
    S.ARBITRATION_FILED: ["file_chargeback", "record_prearb_received", "file_arbitration"],
    S.WON: ["file_chargeback", "win"],
    S.LOST: ["file_chargeback", "lose"],
    S.ACCEPTED: ["file_chargeback", "record_representment", "accept"],
    S.REJECTED: ["reject"],
    S.EXPIRED: ["expire"],
    S.WITHDRAWN: ["withdraw"],
    S.MERCHANT_CREDITED: ["credit_merchant"],
}
