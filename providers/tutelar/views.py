"""Tutelar dispute endpoints (SPEC section 6.3): create, view, update, move level, verdicts.

https://docs.v2.tutelar.io/create-dispute, …/dispute-details, …/update-dispute,
https://docs.tutelar.io/tutelar-api-document/disputes/dispute-level-change, …/dispute-won, …/dispute-loss
"""

import secrets
import string

from cases import selectors, services
from cases.choices import CaseStatus, Source
from cases.exceptions import TransitionNotAllowed, ValidationFailed
from cases.inputs import CardholderInput, CaseInput, MerchantInput, TransactionInput
from providers.base import MalformedBody, endpoint, json_object
from providers.tutelar import messages as m
from providers.tutelar import parsing
from providers.tutelar.errors import envelope, render_error
from providers.tutelar.render import render_dispute

# Creation outcome by the status the new case ends in (seed 004 "Transaction status responses").
CREATED_MESSAGES = {CaseStatus.REJECTED: m.CLOSED_FAILED, CaseStatus.MERCHANT_CREDITED: m.CLOSED_REFUNDED}
# Update body -> case_amend arguments: the transaction's facts and parties.
_TRANSACTION_FACTS = (("id", "external_id"), ("amount", "amount"), ("transactionDate", "date"))
_CARDHOLDER = (("customerName", "name"), ("customerEmail", "email"), ("customerMobile", "mobile"))
_MERCHANT = (("id", "external_id"), ("name", "name"), ("businessName", "business_name"),
             ("chargebackEmail", "chargeback_email"), ("mobile", "mobile"))
# Update body -> case_amend's own arguments: the dispute's amount, what it is about, level and dates.
_CASE_FIELDS = (("disputeAmount", "disputed_amount"), ("disputeType", "dispute_type"),
                ("reasonCode", "network_reason_code"), ("disputeAmountTdrDetails", "tdr_details"),
                ("disputeAmountTaxDetails", "tax_details"), ("level", "level"),
                ("internalDueDate", "internal_due_date"), ("dueDate", "due_date"))
_PAYMENT = (("paymentType", "payment_type"), ("acquirerBankCode", "acquirer_bank_code"),
            ("remitterBank", "remitter_bank"), ("nodalAccountNo", "nodal_account_number"),
            ("gatewayOrderId", "gateway_order_id"), ("paymentInstrumentId", "payment_instrument_id"))
# merchant-won / merchant-loss -> the domain's verdicts (cases.services.verdicts decides the step).
VERDICTS = {"won": services.MERCHANT_WON, "loss": services.MERCHANT_LOST}


def dispute_id() -> str:
    """Tutelar ids look like "dispute_Dffgonjc": the prefix and eight letters."""
    return "dispute_" + "".join(secrets.choice(string.ascii_letters) for _ in range(8))


def _case_input(fields: dict, program) -> CaseInput:
    details, merchant = fields["transactionDetails"], fields["merchantDetails"]
    return CaseInput(
        transaction=TransactionInput(
            external_id=details["id"], amount=details["amount"], currency=program.default_currency,
            date=details["transactionDate"], payment_type=fields["paymentType"],
            acquirer_bank_code=fields["acquirerBankCode"], remitter_bank=fields["remitterBank"] or "",
            nodal_account_number=fields["nodalAccountNo"] or "", gateway_order_id=fields["gatewayOrderId"],
            payment_instrument_id=fields["paymentInstrumentId"],
            merchant=MerchantInput(external_id=merchant["id"], name=merchant["name"],
                                   business_name=merchant["businessName"] or "",
                                   chargeback_email=merchant["chargebackEmail"] or "", mobile=merchant["mobile"] or ""),
            cardholder=CardholderInput(name=details["customerName"], email=details["customerEmail"] or "",
                                       mobile=details["customerMobile"] or ""),
        ),
        source=Source.TUTELAR, network_reason_code=fields["reasonCode"], dispute_type=fields["disputeType"],
        level=fields["level"], disputed_amount=fields["disputeAmount"], currency=program.default_currency,
        tdr_details=fields["disputeAmountTdrDetails"], tax_details=fields["disputeAmountTaxDetails"],
        internal_due_date=fields["internalDueDate"], due_date=fields["dueDate"], comments=fields["comments"],
    )


def create_dispute(request, actor):
    program = actor.api_key.program
    fields = parsing.parse(json_object(request), parsing.Context(program))
    case = services.case_create(program=program, actor=actor, data=_case_input(fields, program),
                                new_case_id=dispute_id)
    return envelope(201, CREATED_MESSAGES.get(case.status, m.RAISED), {"disputeId": case.case_id})


def view_dispute(request, actor, dispute_id):
    return envelope(200, m.DETAILS, render_dispute(selectors.case_get(actor, dispute_id)))


def _context(case, *, partial: bool = False) -> parsing.Context:
    return parsing.Context(case.program, transaction_amount=case.transaction.amount,
                           transaction_day=case.transaction.date.date(), case_currency=case.currency, partial=partial)


def _transaction_facts(fields: dict) -> dict:
    """The parsed transaction, payment, merchant and customer fields as case_amend's `transaction_facts`
    (case_update_transaction_details' arguments); empty when the update names none."""
    details, merchant = fields.get("transactionDetails", {}), fields.get("merchantDetails", {})
    facts = {key: details[name] for name, key in _TRANSACTION_FACTS if name in details}
    facts.update({key: fields[name] for name, key in _PAYMENT if name in fields})
    cardholder = {key: details[name] for name, key in _CARDHOLDER if name in details}
    merchant = {key: merchant[name] for name, key in _MERCHANT if name in merchant}
    if cardholder:
        facts["cardholder"] = cardholder
    if merchant:
        facts["merchant"] = merchant
    return facts


def update_dispute(request, actor, dispute_id):
    """Any field of the create body, only while the dispute is active (…/update-dispute), in one
    database transaction (services.case_amend); `comments` become a note."""
    case = selectors.case_get(actor, dispute_id)
    body = json_object(request)
    if not case.is_active:
        raise ValidationFailed.single("disputeId", "tutelar", m.CLOSED_NO_UPDATE)
    fields = dict(parsing.parse(body, _context(case, partial=True)))
    if not fields:
        raise MalformedBody("No dispute field to update.")
    updates = {key: fields[name] for name, key in _CASE_FIELDS if name in fields}
    services.case_amend(case=case, actor=actor, transaction_facts=_transaction_facts(fields), **updates,
                        note=fields.get("comments") or "")
    return envelope(200, m.UPDATED, {"disputeId": case.case_id})


def move_level(request, actor, dispute_id):
    """{level, dueDate, comments}, all required (…/dispute-level-change)."""
    case = selectors.case_get(actor, dispute_id)
    body = json_object(request)
    ctx = _context(case)
    level = parsing.level(body.get("level"), ctx)
    if body.get("dueDate") in (None, ""):
        raise ValidationFailed.single("dueDate", "tutelar", m.DUE_DATE_MISSING)
    due = parsing.due_date(body.get("dueDate"), ctx)
    note = parsing.comments(body.get("comments"), ctx)
    # Moving to the level and due date it already has keeps the comments as a note (case_update).
    services.case_update(case=case, actor=actor, level=level, due_date=due, note=note)
    return envelope(200, m.MOVED.format(level=level), {"disputeId": case.case_id, "level": level})


def _record_verdict(actor, dispute_id, verdict: str, message: str):
    case = selectors.case_get(actor, dispute_id)
    try:
        event = services.case_record_verdict(case=case, actor=actor, verdict=VERDICTS[verdict], note=message)
    except TransitionNotAllowed:  # the case is closed: this or another verdict landed first
        raise ValidationFailed.single("disputeId", "tutelar", m.ALREADY_REACTED) from None
    return envelope(200, message, {"disputeId": event.case.case_id, "status": "closed", "verdict": verdict})


def merchant_won(request, actor, dispute_id):
    return _record_verdict(actor, dispute_id, "won", m.MERCHANT_WON)


def merchant_loss(request, actor, dispute_id):
    return _record_verdict(actor, dispute_id, "loss", m.MERCHANT_LOSS)


create_view = endpoint(render_error, POST=create_dispute)
detail_view = endpoint(render_error, GET=view_dispute)
update_view = endpoint(render_error, PATCH=update_dispute)
move_level_view = endpoint(render_error, PUT=move_level)
merchant_won_view = endpoint(render_error, PUT=merchant_won)
merchant_loss_view = endpoint(render_error, PUT=merchant_loss)
