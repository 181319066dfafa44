"""Saved queue views (SPEC section 14): save (by name, per person; saving a name again replaces its
query), share with the team, delete (the owner only).

A view is the queue's query string: only the queue's own parameters are kept (the CaseFilterSet's
filters, `ordering`, `page_size`; never `page`), and never a value holding a full card number.
"""

from urllib.parse import parse_qsl, urlencode

from django.db.models import Q

from cases import pan
from cases.exceptions import NotFound, PermissionDenied, ValidationFailed
from cases.filtersets import CaseFilterSet
from cases.models import SavedView

MAX_NAME = 80
MAX_QUERY = 2000
QUERY_KEYS = frozenset(CaseFilterSet.base_filters) | {"page_size"}


def clean_query(raw: str) -> str:
    """The queue parameters of a query string, in their order, empty values and card numbers dropped."""
    raw = (raw or "").lstrip("?")[:MAX_QUERY * 2]
    pairs = [(key, value) for key, value in parse_qsl(raw, keep_blank_values=False)
             if key in QUERY_KEYS and value.strip() and not pan.contains_pan(value)]
    query = urlencode(pairs)
    if len(query) > MAX_QUERY:
        raise ValidationFailed.single("query", "too_long", "This view has too many filters to save.")
    return query


def _check_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationFailed.single("name", "required", "Name the view.")
    if len(name) > MAX_NAME:
        raise ValidationFailed.single("name", "too_long", f"A view's name is at most {MAX_NAME} characters.")
    if pan.contains_pan(name):
        raise ValidationFailed.single("name", "pan_detected", pan.PAN_MESSAGE)
    return name


def saved_view_save(*, user, name: str, query: str, shared: bool = False) -> SavedView:
    """Save the person's view under `name` (replacing their view of that name); returns it."""
    if user is None or not user.is_authenticated:
        raise PermissionDenied("Sign in to save views.")
    view, _ = SavedView.objects.update_or_create(
        owner=user, name=_check_name(name), defaults={"query": clean_query(query), "shared": bool(shared)})
    return view


def saved_view_delete(*, user, view_id) -> None:
    """Delete one of the person's own views; a view of someone else's is refused."""
    view = SavedView.objects.filter(pk=view_id).first() if str(view_id).isdigit() else None
    if view is None:
        raise NotFound("No such view.")
    if view.owner_id != user.pk:
        raise PermissionDenied("Only the person who saved a view may delete it.")
    view.delete()


def saved_views_for(user):
    """The views a person sees: their own and the ones the team shares, by name."""
    if user is None or not user.is_authenticated:
        return SavedView.objects.none()
    return SavedView.objects.filter(Q(owner=user) | Q(shared=True)).select_related("owner").order_by("name", "id")
