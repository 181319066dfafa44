"""The limits every door checks, in one place: the native API, the three dialects, the import, the
back-office and admin forms and the services read them from here.

- 64-bit integers: ids and minor-unit amounts live in `bigint` columns (`MAX_INT`).
- Amounts in major units (the Tutelar dialect): at most `MAX_AMOUNT_MINOR` minor units.
- Storable text: no NUL (PostgreSQL's text refuses it) and no unpaired surrogate (not UTF-8), in
  any string or key of a document (`unstorable_field`).
- Control characters: C0 controls and DEL are refused in every string; multi-line text (notes,
  comments, descriptions) may hold tab, line feed and carriage return (`has_control`).
- Column lengths: a door's string limits follow the model's columns (`column_length`).
- Notes: the note of a case event (`MAX_NOTE`).
- Custom fields: Decisionly's limits (https://docs.decisionly.com/custom-fields).
- The card networks a transaction may name (`NETWORKS`) and the countries an address may name
  (`COUNTRIES`).
"""

import re

from babel import Locale

from cases.choices import Network

# bigint: ids, financial document ids, amounts in minor units.
MAX_INT = 2**63 - 1
# Far above any card transaction, far below the 64-bit columns amounts are stored in.
MAX_AMOUNT_MINOR = 10**15

# C0 controls and DEL; tab, line feed and carriage return are allowed in multi-line text only.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# The note a person or a client writes on a case (an event's note).
MAX_NOTE = 5000

# Decisionly custom fields: at most 25 pairs, keys of 1-50 characters, string values of at most 250.
MAX_CUSTOM_FIELDS = 25
MAX_CUSTOM_KEY = 50
MAX_CUSTOM_VALUE = 250

# The card networks a transaction names, in the catalog's order (the empty "unknown" left out: it is
# the absence of one).
NETWORKS = tuple(n for n in Network.values if n)
# ISO 3166-1 alpha-2 codes from Babel's CLDR data (numeric regions such as "001" left out).
COUNTRIES = frozenset(code for code in Locale("en").territories if len(code) == 2 and code.isalpha())


def has_control(text: str, multiline: bool = False) -> bool:
    """Whether the text holds a control character (C0 or DEL); `multiline` allows tab, LF and CR."""
    if text.isprintable():  # the common case, in C: printable text holds no control character
        return False
    return (_CONTROL_IN_TEXT if multiline else _CONTROL).search(text) is not None


def column_length(model, field: str) -> int:
    """The stored column's length, so that a door's limits follow the model."""
    return model._meta.get_field(field).max_length


def custom_field_fits(key: object, value: object) -> bool:
    """Whether one custom field pair keeps to the key and value limits."""
    return (isinstance(key, str) and 0 < len(key) <= MAX_CUSTOM_KEY
            and isinstance(value, str) and len(value) <= MAX_CUSTOM_VALUE)


def _storable(text: str) -> bool:
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def unstorable_field(document) -> str | None:
    """The dotted path of the first string (or key) no database stores: a NUL character (PostgreSQL
    text refuses it) or an unpaired surrogate (not encodable as UTF-8). None when all are storable.
    Walked with a stack, not recursion: a parsed document may nest as deep as the parser allowed."""
    stack = [("", document)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            if not _storable(value):
                return path or "body"
        elif isinstance(value, dict):
            for key, item in value.items():
                if not _storable(str(key)):
                    return path or "body"
                stack.append((f"{path}.{key}" if path else str(key), item))
        elif isinstance(value, list):
            stack.extend((f"{path}[{index}]", item) for index, item in enumerate(value))
    return None
