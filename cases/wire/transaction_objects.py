"""The transaction object (SPEC section 5) read into the domain's TransactionInput: the one parser of
`POST /api/v1/transactions`, of the transaction a case body describes (native API, Decisionly) and
of `import_transactions`.

The object is Decisionly's `transaction` (https://docs.decisionly.com/api-reference/v2-cases/create-a-case)
plus `financial_document_id`, `external_id`, `status` (default `success`), `gateway_order_id`,
`payment_type`, and nested `merchant` and `cardholder` in Decisionly's shape, matched to stored
parties by `issuer_id`; a cardholder may carry `account_opened_on` and `billing_cycle_day` (SPEC
section 13). `import_transactions` reads one per line (JSON lines), or one per CSV row with dotted
column names (`card.last4`, `merchant.issuer_id`, `cardholder.billing_address.city`).

Pure functions over dicts. Each object is read from a table of its fields (key, attribute, how to
read it, limit, default), built once per path: the import reads hundreds of thousands of rows, and a
row is one walk of the tables. Every bad field becomes a `FieldError` with its dotted path, in the
order of the tables; the limits come from `cases.limits` and the model's columns.
"""



from cases.choices import CardholderType, CardType, TransactionStatus, TransactionSystem
from cases.exceptions import FieldError, ValidationFailed
from cases.inputs import CardholderInput, MerchantInput, TransactionInput
from cases.limits import COUNTRIES, MAX_INT, NETWORKS, column_length, has_control
from cases.models import Cardholder, Merchant, Transaction

from .reader import is_email, read_amount, read_day, read_integer, read_moment

# Columns whose CSV cells are integers.
INTEGER_COLUMNS = frozenset({"financial_document_id", "amount", "card.expiry_month", "card.expiry_year",
                             "cardholder.billing_cycle_day"})
MAX_EMAIL = 254
MAX_CHOICE = 64


# How a field is read. Strings are read inline by `_read`, as `Reader.string` reads them (stripped,
# at most `limit` characters, no control characters), without a call per field: a row holds twenty
# or more. Then a choice must be one of its set, an upper-case field is upper-cased, a country must
# be ISO 3166-1, an e-mail must pass Django's check.
TEXT, UPPER, CHOICE, EMAIL, COUNTRY, OTHER = range(6)
# Any other field is read by one of cases.wire.reader's functions (read_integer, read_amount...).


class _Table:
    """An object's fields, each (object key, input attribute, kind, limit, default, choices or reader),
    in the order errors are reported; `at(path)` adds each field's dotted path, once per path."""

    def __init__(self, *fields):
        self.fields = fields
        self.paths: dict[str, tuple] = {}

    def at(self, path: str) -> tuple:
        fields = self.paths.get(path)
        if fields is None:
            fields = self.paths[path] = tuple((key, attr, f"{path}.{key}" if path else key, *rest)
                                              for key, attr, *rest in self.fields)
        return fields


def _text(key: str, attr: str, model, column: str | None = None) -> tuple:
    """A string field as long as its column."""
    return key, attr, TEXT, column_length(model, column or attr), "", None


def _choice(key: str, attr: str, choices, default: str = "") -> tuple:
    return key, attr, CHOICE, MAX_CHOICE, default, frozenset(choices)


_TRANSACTION = _Table(
    _text("arn", "arn", Transaction),
    _text("switch_serial_number", "switch_serial_number", Transaction),
    _text("issuer_id", "issuer_id", Transaction),
    ("amount", "amount", OTHER, None, None, read_amount),
    ("currency", "currency", UPPER, 3, "", None),
    ("date", "date", OTHER, None, None, read_moment),
    _choice("system", "system", TransactionSystem.values),
)
_CARD = _Table(
    _choice("network", "card_network", NETWORKS),
    ("last4", "card_last4", TEXT, 4, "", None),
    ("expiry_month", "card_expiry_month", OTHER, (1, 12), None, read_integer),
    ("expiry_year", "card_expiry_year", OTHER, (2000, 2199), None, read_integer),
    _choice("type", "card_type", CardType.values),
    _text("issuer_id", "card_issuer_id", Transaction),
)
# The native store's own fields (`extended`), after the card.
_STORE = _Table(
    _text("external_id", "external_id", Transaction),
    _choice("status", "status", TransactionStatus.values, TransactionStatus.SUCCESS),
    *(_text(name, name, Transaction) for name in ("gateway_order_id", "payment_instrument_id", "payment_type",
                                                 "acquirer_bank_code", "remitter_bank", "nodal_account_number")),
)
_MERCHANT = _Table(
    _text("issuer_id", "external_id", Merchant),
    _text("name", "name", Merchant),
    _text("business_name", "business_name", Merchant),
    ("category_code", "mcc", TEXT, 4, "", None),
    ("chargeback_email", "chargeback_email", EMAIL, MAX_EMAIL, "", None),
    _text("mobile", "mobile", Merchant),
)
_CARDHOLDER = _Table(
    _text("issuer_id", "external_id", Cardholder),
    _text("name", "name", Cardholder),
    ("email", "email", EMAIL, MAX_EMAIL, "", None),
    _text("mobile", "mobile", Cardholder),
    _choice("type", "type", CardholderType.values, CardholderType.INDIVIDUAL),
)
_ADDRESS = _Table(
    _text("line1", "address_line1", Cardholder),
    _text("line2", "address_line2", Cardholder),
    _text("city", "city", Cardholder),
    _text("state", "state", Cardholder),
    _text("postal_code", "postal_code", Cardholder),
    ("country", "country", COUNTRY, 2, "", None),
)
# Reg E's new-account window and Reg Z's billing cycle (SPEC section 13), both optional.
_CARDHOLDER_ACCOUNT = _Table(
    ("account_opened_on", "account_opened_on", OTHER, None, None, read_day),
    ("billing_cycle_day", "billing_cycle_day", OTHER, (1, 31), None, read_integer),
)


def _read(source: dict, table: _Table, path: str, values: dict, errors: list[FieldError]) -> dict:
    """Read the table's fields of `source` into `values` (attribute -> value); absent or null is the default."""
    for key, attr, where, kind, limit, default, extra in table.paths.get(path) or table.at(path):
        value = source.get(key)
        if value is None:
            values[attr] = default
        elif kind is OTHER:
            values[attr] = extra(value, where, limit, default, errors)
        elif value.__class__ is not str and not isinstance(value, str):
            errors.append(FieldError(where, "invalid_type", "Must be a string."))
            values[attr] = default
        else:
            value = value.strip()
            if len(value) > limit:
                errors.append(FieldError(where, "too_long", f"At most {limit} characters."))
                value = default
            elif not value.isprintable() and has_control(value):
                errors.append(FieldError(where, "invalid_characters", "Control characters are not allowed."))
                value = default
            elif kind is TEXT or not value:
                pass
            elif kind is CHOICE:
                if value != default and value not in extra:
                    errors.append(FieldError(where, "invalid_choice", f"Must be one of: {', '.join(sorted(extra))}."))
                    value = default
            elif kind is UPPER:
                value = value.upper()
            elif kind is EMAIL:
                if not is_email(value):
                    errors.append(FieldError(where, "invalid", "Must be an email address."))
                    value = ""
            else:  # COUNTRY
                value = value.upper()
                if value not in COUNTRIES:
                    errors.append(FieldError(where, "invalid_country",
                                             "Must be an ISO 3166-1 alpha-2 country code, e.g. US."))
                    value = ""
            values[attr] = value
    return values


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _child(source: dict, key: str, path: str, errors: list[FieldError]) -> dict | None:
    value = source.get(key)
    if value is None or isinstance(value, dict):
        return value
    errors.append(FieldError(_join(path, key), "invalid_type", "Must be a JSON object."))
    return None


def read_transaction(source: dict, path: str, errors: list[FieldError], *, extended: bool = True) -> TransactionInput:
    """Decisionly's `transaction` object at `path`; `extended` adds the native store's fields (status,
    external id...). Parties and the financial document id are the caller's."""
    values = _read(source, _TRANSACTION, path, {}, errors)
    card = _child(source, "card", path, errors)
    if card is not None:
        _read(card, _CARD, _join(path, "card"), values, errors)
    if extended:
        _read(source, _STORE, path, values, errors)
    return TransactionInput(**values)


def read_merchant(source: dict | None, path: str, errors: list[FieldError]) -> MerchantInput | None:
    if source is None:
        return None
    return MerchantInput(**_read(source, _MERCHANT, path, {}, errors))


def read_cardholder(source: dict | None, path: str, errors: list[FieldError]) -> CardholderInput | None:
    if source is None:
        return None
    values = _read(source, _CARDHOLDER, path, {}, errors)
    address = _child(source, "billing_address", path, errors)
    if address is not None:
        _read(address, _ADDRESS, _join(path, "billing_address"), values, errors)
    return CardholderInput(**_read(source, _CARDHOLDER_ACCOUNT, path, values, errors))


def parse_transaction(document: object) -> TransactionInput:
    """The transaction store's object (`POST /api/v1/transactions`, each row of `import_transactions`):
    Decisionly's transaction with the store's fields, `financial_document_id`, and nested `merchant`
    and `cardholder`. Raise ValidationFailed naming every bad field."""
    errors: list[FieldError] = []
    if not isinstance(document, dict):
        raise ValidationFailed([FieldError("body", "invalid_type", "Must be a JSON object.")])
    txn = read_transaction(document, "", errors, extended=True)
    fdid = document.get("financial_document_id")
    if fdid is not None:
        txn.financial_document_id = read_integer(fdid, "financial_document_id", (1, MAX_INT), None, errors)
    txn.merchant = read_merchant(_child(document, "merchant", "", errors), "merchant", errors)
    txn.cardholder = read_cardholder(_child(document, "cardholder", "", errors), "cardholder", errors)
    if errors:
        raise ValidationFailed(errors)
    return txn


def lift_switch_serial_number(transaction: dict) -> dict:
    """Newer Decisionly samples put `switch_serial_number` under `network_details.mastercard`, older
    ones at the top of the transaction (REFERENCE.md section 2): the object with it at the top (a
    copy when it moved; one given at the top wins)."""
    if transaction.get("switch_serial_number") is not None:
        return transaction
    details = transaction.get("network_details")
    mastercard = details.get("mastercard") if isinstance(details, dict) else None
    if isinstance(mastercard, dict) and mastercard.get("switch_serial_number") is not None:
        return {**transaction, "switch_serial_number": mastercard["switch_serial_number"]}
    return transaction


def unflatten(row: dict[str, str]) -> dict:
    """A CSV row with dotted column names as a nested transaction object; empty cells are absent."""
    document: dict = {}
    for column, cell in row.items():
        if column is None or cell is None or cell == "":
            continue
        value: object = cell
        if column in INTEGER_COLUMNS:
            try:
                value = int(cell)
            except ValueError:
                value = cell  # parse_transaction reports it as not an integer
        target = document
        *parents, leaf = column.strip().split(".")
        for part in parents:
            target = target.setdefault(part, {})
            if not isinstance(target, dict):
                break
        else:
            target[leaf] = value
    return document
