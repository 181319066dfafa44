"""The queue (/cases/): the shared CaseFilterSet as a GET form, per-status counts, 50 rows a page.

Queries: the per-status counts (of the other filters; cases.selectors.case_status_counts: one
aggregate, or the planner's estimate for a large set), one for the page of rows. The page total
comes from those counts, so there is no separate COUNT query.
"""

from django.core.paginator import InvalidPage, Paginator
from django.utils.functional import cached_property
from django.views.generic import TemplateView

from cases import lifecycle, pan, selectors
from cases.actors import actor_for
from cases.backoffice.views.base import BackOfficeMixin
from cases.choices import (
    ACTIVE_STATUSES,
    TERMINAL_STATUSES,
    CaseStatus,
    DisputeType,
    Network,
    Reason,
    RegulationRule,
    RegulationStatus,
    Source,
)
from cases.filtersets import ASSIGNED_CHOICES, DEFAULT_ORDERING, ORDERINGS, STATUS_GROUPS, CaseFilterSet
from cases.services import saved_views
from cases.services.assignment import assignable_users
from cases.services.bulk import MAX_SELECTION

PAGE_SIZE = 50
# The queue's page sizes; the largest is a whole bulk selection (cases.services.bulk.MAX_SELECTION).
PAGE_SIZES = (25, 50, 100, 200, 500)
SORTS = [("next_deadline", "Next deadline"), ("-next_deadline", "Next deadline, latest first"),
         ("-created", "Newest"), ("created", "Oldest"), ("-amount", "Largest amount"), ("amount", "Smallest amount")]


class KnownCountPaginator(Paginator):
    """A paginator told its total, which the status counts already give."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self):
        return self._known_count


def selected_statuses(values) -> set[str]:
    statuses = set()
    for value in values or []:
        statuses.update(STATUS_GROUPS.get(value, [value]))
    return statuses


def without_card_numbers(query):
    """Drop any value holding a full card number: never searched for, never echoed (SPEC section 9)."""
    cleaned = query.copy()
    refused = False
    for key in list(cleaned):
        values = cleaned.getlist(key)
        kept = [v for v in values if not pan.contains_pan(v)]
        if len(kept) != len(values):
            refused = True
            cleaned.setlist(key, kept)
    return cleaned, refused


def page_size_of(query) -> int:
    value = query.get("page_size", "")
    return int(value) if value.isdigit() and int(value) in PAGE_SIZES else PAGE_SIZE


class QueueView(BackOfficeMixin, TemplateView):
    template_name = "cases/queue.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        base = selectors.case_queryset(actor_for(self.request))
        query, pan_refused = without_card_numbers(self.request.GET)
        filterset = CaseFilterSet(query, queryset=base, request=self.request)
        filterset.is_valid()
        # The counts ignore the status filter so each status shows how many it would list.
        others = query.copy()
        others.pop("status", None)
        counts_filter = CaseFilterSet(others, queryset=base, request=self.request)
        # Exact for a narrow set; estimated for a large one (selectors.case_status_counts).
        counts, counts_estimated = selectors.case_status_counts(counts_filter.qs)
        chosen = selected_statuses(filterset.form.cleaned_data.get("status"))
        total = sum(n for status, n in counts.items() if not chosen or status in chosen)
        page_size = page_size_of(query)
        paginator = KnownCountPaginator(filterset.qs, page_size, count=total)
        try:
            page = paginator.page(self.request.GET.get("page") or 1)
        except InvalidPage:
            page = paginator.page(paginator.num_pages if str(self.request.GET.get("page", "")).isdigit() else 1)
        raw_status = query.getlist("status")
        can_assign = self.request.user.has_perm("cases.assign_case")
        ordering = filterset.ordering_key if filterset.ordering_key in ORDERINGS else DEFAULT_ORDERING
        context.update(
            filterset=filterset,
            form=filterset.form,
            page=page,
            cases=list(page.object_list),
            total=total,
            status_rows=[(s.value, s.label, counts.get(s.value, 0)) for s in CaseStatus],
            open_count=sum(counts.get(s.value, 0) for s in ACTIVE_STATUSES),
            closed_count=sum(counts.get(s.value, 0) for s in TERMINAL_STATUSES),
            all_count=sum(counts.values()),
            counts_estimated=counts_estimated,
            selected_status=raw_status,
            pan_refused=pan_refused,
            query=query,
            selected={name: query.getlist(name) for name in ("reason", "network", "dispute_type", "source",
                                                             "regulation_rule", "regulation_status")},
            regulation_rules=RegulationRule.choices + [("none", "None")],
            regulation_statuses=RegulationStatus.choices,
            reasons=Reason.choices,
            networks=[c for c in Network.choices if c[0]],
            dispute_types=DisputeType.choices,
            sources=Source.choices,
            sorts=SORTS,
            ordering=ordering,
            open_selection=["open"],
            closed_selection=["closed"],
            amount_sort="amount" if ordering == "-amount" else "-amount",
            deadline_sort="-next_deadline" if ordering == "next_deadline" else "next_deadline",
            created_sort="created" if ordering == "-created" else "-created",
            assigned_choices=ASSIGNED_CHOICES,
            can_take=self.request.user.has_perm("cases.take_case"),
            page_size=page_size,
            page_sizes=PAGE_SIZES,
            bulk_transitions=[(name, label) for name, label in lifecycle.TRANSITION_LABELS.items()
                              if name not in lifecycle.SYSTEM_ONLY_TRANSITIONS],
            # Read only when a supervisor's bulk "Assign to" list is shown (one query).
            bulk_assignees=assignable_users() if can_assign else (),
            can_assign=can_assign,
            max_selection=MAX_SELECTION,
            here=f"{self.request.path}?{query.urlencode()}",  # card numbers already dropped
            view_query=saved_views.clean_query(query.urlencode()),
            has_filters=any(k not in ("page", "ordering", "page_size") for k in query),
        )
        return context
