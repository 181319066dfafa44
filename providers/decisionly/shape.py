"""The Decisionly case object, read and written by the shared shape in cases.wire
(the native API's create body is the same object), plus the aliases Decisionly's own samples use.

Amounts are integers in minor units. Date-times are rendered in UTC with milliseconds
("2025-02-01T00:00:00.000Z", the seed's `created`), so a request's "-08:00" date-time comes back as
the same instant written in UTC.
"""

from cases.choices import Source
from cases.inputs import CaseInput
from cases.models import Case
from cases.wire.case_shape import case_to_decisionly, parse_case_payload
from cases.wire.transaction_objects import lift_switch_serial_number
from cases.wire.transaction_shape import format_datetime


def _alias(body: dict) -> dict:
    """Newer samples nest `reason` as `dispute.reason` and put `switch_serial_number` under
    `transaction.network_details.mastercard`; older ones keep both at the top (REFERENCE.md section 2)."""
    body = dict(body)
    dispute, transaction = body.get("dispute"), body.get("transaction")
    if body.get("reason") is None and isinstance(dispute, dict) and dispute.get("reason") is not None:
        body["reason"] = dispute["reason"]
    if isinstance(transaction, dict):
        body["transaction"] = lift_switch_serial_number(transaction)
    return body


def parse_case(body: dict) -> CaseInput:
    """A Decisionly create-case body as the domain's CaseInput (program_id is the door's concern)."""
    return parse_case_payload(_alias(body), source=Source.DECISIONLY, native_extensions=False)


def render_case(case: Case) -> dict:
    """A case as Decisionly returns it, with the newer samples' `dispute.reason` and
    `transaction.network_details.mastercard.switch_serial_number`, and `updated`."""
    body = case_to_decisionly(case)
    body["dispute"]["reason"] = case.reason
    if case.transaction.switch_serial_number:
        body["transaction"]["network_details"] = {
            "mastercard": {"switch_serial_number": case.transaction.switch_serial_number}}
    body["updated"] = format_datetime(case.updated)
    return body
