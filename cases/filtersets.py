"""One FilterSet for cases, shared by the native API and the back-office queue (SPEC section 5).

The query-string language is the same in the browser and in /api/v1/cases.
"""

import django_filters as filters
from django import forms
from django.db.models import F, Q

from cases import lifecycle
from cases.actors import Actor
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
from cases.models import Case

STATUS_GROUPS = {"open": [s.value for s in ACTIVE_STATUSES], "closed": [s.value for s in TERMINAL_STATUSES]}
STATUS_CHOICES = [("open", "Open (any active)"), ("closed", "Closed (any terminal)")] + list(CaseStatus.choices)
ORDERINGS = {
    "next_deadline": (F("next_deadline").asc(nulls_last=True), "number"),
    "-next_deadline": (F("next_deadline").desc(nulls_last=True), "-number"),
    "created": ("created", "number"),
    "-created": ("-created", "-number"),
    "amount": ("disputed_amount", "number"),
    "-amount": ("-disputed_amount", "-number"),
}
DEFAULT_ORDERING = "next_deadline"
ASSIGNED_CHOICES = [("me", "Mine"), ("none", "Unassigned"), ("any", "Assigned to anyone")]


class CaseFilterSet(filters.FilterSet):
    status = filters.MultipleChoiceFilter(choices=STATUS_CHOICES, method="filter_status")
    # distinct=False: these filter the case's own columns, so no row can repeat, and SELECT DISTINCT
    # would sort every matching row before the page could be cut.
    reason = filters.MultipleChoiceFilter(choices=Reason.choices, distinct=False)
    network = filters.MultipleChoiceFilter(choices=[c for c in Network.choices if c[0]], distinct=False)
    network_reason_code = filters.CharFilter(max_length=10)
    level = filters.CharFilter(max_length=32)
    dispute_type = filters.MultipleChoiceFilter(choices=DisputeType.choices, distinct=False)
    source = filters.MultipleChoiceFilter(choices=Source.choices, distinct=False)
    review_status = filters.ChoiceFilter(
        choices=[("chargeback_needs_review", "Needs review"), ("none", "Not under review")],
        method="filter_review_status")
    program = filters.CharFilter(field_name="program__program_id", max_length=126)
    amount_min = filters.NumberFilter(field_name="disputed_amount", lookup_expr="gte", min_value=0)
    amount_max = filters.NumberFilter(field_name="disputed_amount", lookup_expr="lte", min_value=0)
    created_after = filters.IsoDateTimeFilter(field_name="created", lookup_expr="gte")
    created_before = filters.IsoDateTimeFilter(field_name="created", lookup_expr="lt")
    deadline_after = filters.DateFilter(field_name="next_deadline", lookup_expr="gte")
    deadline_before = filters.DateFilter(field_name="next_deadline", lookup_expr="lte")
    overdue = filters.BooleanFilter(method="filter_overdue", widget=forms.NullBooleanSelect)
    # Consumer regulation (SPEC section 13): the rule (`none` for cases without one) and the clock status.
    regulation_rule = filters.MultipleChoiceFilter(choices=RegulationRule.choices + [("none", "None")],
                                                   method="filter_regulation_rule", label="Regulation")
    regulation_status = filters.MultipleChoiceFilter(choices=RegulationStatus.choices, distinct=False,
                                                     label="Regulation status")
    # The team's work (SPEC section 14): `assigned` me (the signed-in person), none (unassigned) or
    # any; `assignee` a username.
    assigned = filters.ChoiceFilter(choices=ASSIGNED_CHOICES, method="filter_assigned", label="Assigned")
    assignee = filters.CharFilter(field_name="assignee__username", max_length=150, label="Assignee")
    q = filters.CharFilter(method="filter_q", max_length=126, label="Search")
    ordering = filters.ChoiceFilter(choices=[(k, k) for k in ORDERINGS], method="filter_ordering",
                                    empty_label=None)

    class Meta:
        model = Case
        fields = []

    def filter_status(self, queryset, name, values):
        statuses = set()
        for value in values:
            statuses.update(STATUS_GROUPS.get(value, [value]))
        return queryset.filter(status__in=sorted(statuses)) if statuses else queryset

    def filter_review_status(self, queryset, name, value):
        if value == "none":
            return queryset.filter(review_status__isnull=True)
        return queryset.filter(review_status=value)

    def filter_regulation_rule(self, queryset, name, values):
        rules = sorted("" if value == "none" else value for value in values)
        return queryset.filter(regulation_rule__in=rules) if rules else queryset

    def filter_assigned(self, queryset, name, value):
        if value == "none":
            return queryset.filter(assignee__isnull=True)
        if value == "any":
            return queryset.filter(assignee__isnull=False)
        # `me` is the signed-in person; an API key is nobody's assignee.
        user = getattr(self.request, "user", None)
        if isinstance(user, Actor):
            user = user.user
        if user is None or not user.is_authenticated:
            return queryset.none()
        return queryset.filter(assignee=user)

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        today = lifecycle.today()
        if value:
            return queryset.filter(next_deadline__lt=today)
        return queryset.filter(Q(next_deadline__gte=today) | Q(next_deadline__isnull=True))

    def filter_q(self, queryset, name, value):
        """Case id, ARN, card last4 (exact); merchant name, cardholder name (contains) or email (exact).

        Each kind of match is its own indexed lookup and the matches meet in a UNION: one OR across
        the joined tables would make PostgreSQL read every case of the program.
        """
        value = value.strip()
        if not value:
            return queryset
        base = queryset.order_by().values("pk")  # the caller's scope and the filters applied so far
        matches = [base.filter(case_id=value), base.filter(transaction__arn=value)]
        if value.isdigit() and len(value) == 4:
            # The transaction's program is the case's: said outright, it lets PostgreSQL read the
            # (program, last4) index when the caller's scope names the program.
            matches.append(base.filter(transaction__card_last4=value, transaction__program=F("program")))
        if not value.isdigit():
            matches += [base.filter(transaction__merchant__name__icontains=value),
                        base.filter(transaction__cardholder__name__icontains=value),
                        base.filter(transaction__cardholder__email__iexact=value)]
        return queryset.filter(pk__in=matches[0].union(*matches[1:]))

    def filter_ordering(self, queryset, name, value):
        return queryset.order_by(*ORDERINGS.get(value, ORDERINGS[DEFAULT_ORDERING]))

    @property
    def qs(self):
        qs = super().qs
        if not self.form.cleaned_data.get("ordering"):
            qs = qs.order_by(*ORDERINGS[DEFAULT_ORDERING])
        return qs

    @property
    def ordering_key(self) -> str:
        return (self.form.cleaned_data or {}).get("ordering") or DEFAULT_ORDERING
