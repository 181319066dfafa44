"""Cursor pagination: `limit` (1-100, default 25), `starting_after`, `ending_before` -> {has_more, data}.

https://docs.decisionly.com/pagination. Newest first; the cursor is a case_id and the keyset is the
case number (assigned in creation order), so a page costs one indexed query whatever its depth.
"""

from cases.exceptions import ValidationFailed

DEFAULT_LIMIT = 25
MAX_LIMIT = 100


def _limit(raw: str | None) -> int:
    if raw is None:
        return DEFAULT_LIMIT
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise ValidationFailed.single("limit", "invalid", f"limit must be an integer from 1 to {MAX_LIMIT}.")
    return int(raw)


def _cursor_number(queryset, name: str, case_id: str) -> int:
    number = queryset.filter(case_id=case_id).values_list("number", flat=True).first()
    if number is None:
        raise ValidationFailed.single(name, "invalid", f"No case {case_id[:126]!r} to page from.")
    return number


def paginate(queryset, params) -> tuple[list, bool]:
    """(page of objects newest first, has_more) for a queryset of cases."""
    limit = _limit(params.get("limit"))
    after, before = params.get("starting_after"), params.get("ending_before")
    if after and before:
        raise ValidationFailed.single("ending_before", "invalid", "Use starting_after or ending_before, not both.")
    if before:
        number = _cursor_number(queryset, "ending_before", before)
        rows = list(queryset.filter(number__gt=number).order_by("number")[: limit + 1])
        return list(reversed(rows[:limit])), len(rows) > limit
    if after:
        queryset = queryset.filter(number__lt=_cursor_number(queryset, "starting_after", after))
    rows = list(queryset.order_by("-number")[: limit + 1])
    return rows[:limit], len(rows) > limit
