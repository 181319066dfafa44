"""Reading untrusted JSON into typed values, collecting every error with its dotted field path.

Pure functions over dicts (no DRF), shared by the native API and the Decisionly dialect. A wrong
type, an over-long string, a control character, a bad date or a huge number becomes a `FieldError`,
never an exception from deeper down (the database rejects what SQLite would have let through).
"""

import json
import math
from datetime import UTC, date, datetime, time
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.dateparse import parse_datetime

from cases.exceptions import FieldError, ValidationFailed
from cases.limits import MAX_INT, has_control

MAX_JSON_DEPTH = 10
MAX_JSON_BYTES = 64 * 1024
MISSING = object()


class Reader:
    """Reads fields of one JSON object; `errors` collects what is wrong, `raise_errors()` ends the parse."""

    def __init__(self, data: object, path: str = "", errors: list[FieldError] | None = None):
        self.errors = errors if errors is not None else []
        self.path = path
        if isinstance(data, dict):
            self.data = data
        else:
            self.data = {}
            self.error("", "invalid_type", "Must be a JSON object.")

    def name(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path and key else (key or self.path or "body")

    def error(self, key: str, code: str, message: str) -> None:
        self.errors.append(FieldError(self.name(key), code, message))

    def raw(self, key: str, required: bool = False):
        value = self.data.get(key, MISSING)
        if value is MISSING or value is None:
            if required:
                self.error(key, "required", "This field is required.")
            return MISSING if value is MISSING else None
        return value

    def has(self, key: str) -> bool:
        return self.data.get(key) is not None

    def child(self, key: str, required: bool = False) -> "Reader | None":
        value = self.raw(key, required)
        if value is MISSING or value is None:
            return None
        if not isinstance(value, dict):
            self.error(key, "invalid_type", "Must be a JSON object.")
            return None
        return Reader(value, self.name(key), self.errors)

    def string(self, key: str, max_length: int, required: bool = False, default: str = "",
               text: bool = False) -> str:
        value = self.raw(key, required)
        if value is MISSING or value is None:
            return default
        if not isinstance(value, str):
            self.error(key, "invalid_type", "Must be a string.")
            return default
        value = value.strip()
        if len(value) > max_length:
            self.error(key, "too_long", f"At most {max_length} characters.")
            return default
        if has_control(value, multiline=text):
            self.error(key, "invalid_characters", "Control characters are not allowed.")
            return default
        if required and not value:
            self.error(key, "required", "This field may not be blank.")
        return value

    def optional_string(self, key: str, max_length: int) -> str | None:
        return self.string(key, max_length) if self.has(key) else None

    def choice(self, key: str, choices, required: bool = False, default: str = "") -> str:
        value = self.string(key, 64, required=required, default=default)
        if value and value != default and value not in choices:
            self.error(key, "invalid_choice", f"Must be one of: {', '.join(sorted(choices))}.")
            return default
        return value

    def email(self, key: str, max_length: int = 254) -> str:
        value = self.string(key, max_length)
        if value and not is_email(value):
            self.error(key, "invalid", "Must be an email address.")
            return ""
        return value

    def integer(self, key: str, required: bool = False, minimum: int = 1, maximum: int = MAX_INT) -> int | None:
        value = self.raw(key, required)
        if value is MISSING or value is None:
            return None
        return read_integer(value, self.name(key), (minimum, maximum), None, self.errors)

    def amount(self, key: str, required: bool = False) -> int | None:
        """An amount in minor units: a positive integer (299 is 2.99 USD)."""
        value = self.raw(key, required)
        if value is MISSING or value is None:
            return None
        return read_amount(value, self.name(key), None, None, self.errors)

    def moment(self, key: str, required: bool = False) -> datetime | None:
        """An ISO 8601 datetime (no offset means UTC) or a date (midnight UTC)."""
        value = self.raw(key, required)
        if value is MISSING or value is None:
            return None
        return read_moment(value, self.name(key), None, None, self.errors)

    def day(self, key: str):
        """A `YYYY-MM-DD` date; MISSING when absent or refused, None when null (clears the date)."""
        value = self.data.get(key, MISSING)
        if value is MISSING or value is None:
            return value
        return read_day(value, self.name(key), None, MISSING, self.errors)

    def json_object(self, key: str) -> dict | None:
        """A free-form JSON object (issuer evidence): bounded depth and size, no NUL or non-finite numbers."""
        value = self.raw(key)
        if value is MISSING or value is None:
            return None
        if not isinstance(value, dict):
            self.error(key, "invalid_type", "Must be a JSON object.")
            return None
        problem = json_problem(value)
        if problem:
            self.error(key + problem[0], problem[1], problem[2])
            return None
        return value

    def raise_errors(self) -> None:
        if self.errors:
            raise ValidationFailed(self.errors)


# Reading one value that is not None: (value, dotted path, limit, default, errors) -> the value to keep,
# or the default when it is refused (the error appended). The Reader's methods and the transaction
# object's tables (cases.wire.transaction_objects) read through these.

def read_integer(value, path: str, bounds: tuple[int, int], default, errors: list[FieldError]):
    if isinstance(value, bool) or not isinstance(value, int):
        errors.append(FieldError(path, "invalid_type", "Must be an integer."))
        return default
    low, high = bounds
    if not low <= value <= high:
        errors.append(FieldError(path, "out_of_range", f"Must be between {low} and {high}."))
        return default
    return value


def read_amount(value, path: str, limit, default, errors: list[FieldError]):
    """An amount in minor units: a positive integer (299 is 2.99 USD) that fits 64 bits."""
    if isinstance(value, bool) or not isinstance(value, int):
        errors.append(FieldError(path, "invalid_amount", "Must be an integer amount in minor units (299 is 2.99 USD)."))
        return default
    if value <= 0:
        errors.append(FieldError(path, "invalid_amount", "Must be greater than zero."))
        return default
    if value > MAX_INT:
        errors.append(FieldError(path, "invalid_amount", f"At most {MAX_INT}."))
        return default
    return value


def read_moment(value, path: str, limit, default, errors: list[FieldError]):
    """An ISO 8601 date-time (no offset means UTC) or a date (midnight UTC)."""
    parsed = parse_when(value)
    if parsed is None:
        errors.append(FieldError(path, "invalid_datetime", "Must be an ISO 8601 date-time, e.g. 2025-11-26T13:12:18Z."))
        return default
    return parsed


def read_day(value, path: str, limit, default, errors: list[FieldError]):
    """A `YYYY-MM-DD` date."""
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    errors.append(FieldError(path, "invalid_date", "Must be a date, YYYY-MM-DD."))
    return default


@lru_cache(maxsize=65536)
def is_email(value: str) -> bool:
    """Django's e-mail check, remembered: an import names the same party on many rows."""
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def parse_when(value: object) -> datetime | None:
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        if len(value) == 10:
            return datetime.combine(date.fromisoformat(value), time.min, tzinfo=UTC)
        parsed = parse_datetime(value)
    except (ValueError, OverflowError):
        return None
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def json_problem(value, path: str = "", depth: int = 0) -> tuple[str, str, str] | None:
    """(sub-path, code, message) of the first thing a JSON column must not hold, else None."""
    if depth == 0:
        try:
            size = len(json.dumps(value, allow_nan=True))
        except (ValueError, RecursionError):
            return path, "invalid", "Not a storable JSON value."
        if size > MAX_JSON_BYTES:
            return path, "too_large", f"At most {MAX_JSON_BYTES // 1024} KiB."
    if depth > MAX_JSON_DEPTH:
        return path, "too_deep", f"At most {MAX_JSON_DEPTH} levels of nesting."
    if isinstance(value, str):
        return (path, "invalid_characters", "NUL characters are not allowed.") if "\x00" in value else None
    if isinstance(value, float):
        return None if math.isfinite(value) else (path, "invalid_number", "Numbers must be finite.")
    if isinstance(value, dict):
        for key, item in value.items():
            if "\x00" in key:
                return f"{path}.{key!r}", "invalid_characters", "NUL characters are not allowed."
            found = json_problem(item, f"{path}.{key}", depth + 1)
            if found:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = json_problem(item, f"{path}[{index}]", depth + 1)
            if found:
                return found
    return None
