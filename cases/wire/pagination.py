"""Cursor pagination by keyset (SPEC section 5; Decisionly: https://docs.decisionly.com/pagination).

`limit` (1-100, default 25), `starting_after` or `ending_before` (an object id); the response is
`{"has_more": bool, "data": [...]}`. A page is found by filtering on the cursor row's sort values,
not by an offset, so walking every page while rows are inserted yields no duplicates or gaps.
Every ordering ends on a unique column (the case number) to make the order total.
"""

import re
from dataclasses import dataclass

from django.db.models import F, Q, QuerySet

from cases.exceptions import FieldError, InvalidQuery

DEFAULT_LIMIT = 25
MAX_LIMIT = 100
# Every cursor is an object id: a case or claim id, or a number.
_CURSOR = re.compile(r"^[A-Za-z0-9_-]{1,126}$")


@dataclass(frozen=True)
class Key:
    """One sort column: ascending or not; nullable columns sort their nulls last either way."""

    field: str
    descending: bool = False
    nullable: bool = False

    def order(self, reverse: bool = False):
        descending = self.descending != reverse
        expression = F(self.field).desc if descending else F(self.field).asc
        return expression(nulls_last=True) if self.nullable and not reverse else (
            expression(nulls_first=True) if self.nullable else expression())

    def beyond(self, value, reverse: bool = False) -> Q | None:
        """Rows strictly after `value` in this column's order (before it when `reverse`); None: no row."""
        greater = self.descending == reverse
        lookup = f"{self.field}__{'gt' if greater else 'lt'}"
        if value is None:
            # Nulls sort last: nothing comes after a null, every non-null comes before one.
            return Q(**{f"{self.field}__isnull": False}) if reverse else None
        after = Q(**{lookup: value})
        return after | Q(**{f"{self.field}__isnull": True}) if self.nullable and not reverse else after

    def equal(self, value) -> Q:
        return Q(**{f"{self.field}__isnull": True}) if value is None else Q(**{self.field: value})


# The case list orderings of cases.filtersets.ORDERINGS, as keysets.
CASE_KEYSETS = {
    "next_deadline": (Key("next_deadline", nullable=True), Key("number")),
    "-next_deadline": (Key("next_deadline", descending=True, nullable=True), Key("number", descending=True)),
    "created": (Key("created"), Key("number")),
    "-created": (Key("created", descending=True), Key("number", descending=True)),
    "amount": (Key("disputed_amount"), Key("number")),
    "-amount": (Key("disputed_amount", descending=True), Key("number", descending=True)),
}
BY_ID = (Key("pk"),)


class CursorNotFound(InvalidQuery):
    """A well-formed cursor naming no object of the list (each door says which status that is)."""


@dataclass(frozen=True)
class PageRequest:
    limit: int
    cursor: str | None
    before: bool  # True for ending_before

    @classmethod
    def from_query(cls, params) -> "PageRequest":
        errors = []
        raw_limit = params.get("limit", "")
        limit = DEFAULT_LIMIT
        if raw_limit != "":
            if raw_limit.isascii() and raw_limit.isdigit() and len(raw_limit) <= 3 and 1 <= int(raw_limit) <= MAX_LIMIT:
                limit = int(raw_limit)
            else:
                errors.append(FieldError("limit", "invalid", f"limit is an integer from 1 to {MAX_LIMIT}."))
        after, before = params.get("starting_after", ""), params.get("ending_before", "")
        if after and before:
            errors.append(FieldError("ending_before", "invalid", "Use starting_after or ending_before, not both."))
        for name, value in (("starting_after", after), ("ending_before", before)):
            if value and not _CURSOR.match(value):
                errors.append(FieldError(name, "invalid_cursor", "Not a valid cursor: an object id."))
        if errors:
            raise InvalidQuery(errors)
        return cls(limit=limit, cursor=before or after or None, before=bool(before))

    @property
    def cursor_param(self) -> str:
        return "ending_before" if self.before else "starting_after"

    def cursor_not_found(self) -> "CursorNotFound":
        return CursorNotFound([FieldError(self.cursor_param, "invalid_cursor", f"No object {self.cursor!r} to page from.")])


def _beyond_row(keys, row, reverse: bool) -> Q:
    """Rows after `row` in the keyset order (before it when `reverse`): the classic OR of prefixes."""
    condition = Q(pk__in=[])
    prefix = Q()
    for key in keys:
        value = row[key.field]
        step = key.beyond(value, reverse)
        if step is not None:
            condition |= prefix & step
        prefix &= key.equal(value)
    return condition


def paginate(queryset: QuerySet, page: PageRequest, keys, cursor_row: dict | None) -> tuple[list, bool]:
    """One page of `queryset` in the keyset order. `cursor_row` maps each key field to the cursor's value."""
    reverse = page.before
    qs = queryset
    if cursor_row is not None:
        qs = qs.filter(_beyond_row(keys, cursor_row, reverse))
    rows = list(qs.order_by(*(key.order(reverse) for key in keys))[: page.limit + 1])
    has_more = len(rows) > page.limit
    rows = rows[: page.limit]
    if reverse:
        rows.reverse()
    return rows, has_more


def cursor_values(queryset: QuerySet, keys, **lookup) -> dict | None:
    """The sort values of the cursor object (looked up in the caller's visible set), or None."""
    rows = list(queryset.filter(**lookup).values(*(key.field for key in keys))[:2])
    return rows[0] if len(rows) == 1 else None


def keyset_list(queryset: QuerySet, params, keys, render, *, cursor_field: str, cursor_value=str,
                cursor_scope: QuerySet | None = None) -> dict:
    """One list response, `{"has_more", "data"}`, for every door that pages by keyset (the native
    API's lists, Decisionly's case list): the page asked for in `params`, rendered row by row.

    The cursor names an object by `cursor_field` (its value read by `cursor_value`; None: no such
    object), looked up in `cursor_scope` (default: the listed set itself).
    """
    page = PageRequest.from_query(params)
    cursor_row = None
    if page.cursor is not None:
        value = cursor_value(page.cursor)
        scope = queryset if cursor_scope is None else cursor_scope
        cursor_row = cursor_values(scope, keys, **{cursor_field: value}) if value is not None else None
        if cursor_row is None:
            raise page.cursor_not_found()
    rows, has_more = paginate(queryset, page, keys, cursor_row)
    return {"has_more": has_more, "data": [render(row) for row in rows]}
