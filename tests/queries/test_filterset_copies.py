"""The case FilterSet shares what no request changes (filter arguments, form fields) and nothing else."""

from django.http import QueryDict

from cases.filtersets import CaseFilterSet
from cases.models import Case


def test_each_filterset_has_its_own_filters_bound_to_itself():
    first = CaseFilterSet(QueryDict("status=open"), queryset=Case.objects.all())
    second = CaseFilterSet(QueryDict("status=won"), queryset=Case.objects.all())

    for name in ("status", "q", "ordering", "reason"):
        assert first.filters[name] is not second.filters[name]
        assert first.filters[name].parent is first and second.filters[name].parent is second
        assert first.filters[name].extra is second.filters[name].extra  # shared, read-only
    # A method filter calls its own FilterSet's method.
    assert first.filters["status"].method == "filter_status"
    assert first.filters["status"].filter.method.__self__ is first


def test_forms_share_fields_but_not_data_or_errors():
    bad = CaseFilterSet(QueryDict("status=nope&amount_min=-1"), queryset=Case.objects.all())
    good = CaseFilterSet(QueryDict("status=open&amount_min=5"), queryset=Case.objects.all())

    assert not bad.is_valid() and set(bad.errors) == {"status", "amount_min"}
    assert good.is_valid(), good.errors
    assert good.form.cleaned_data["status"] == ["open"] and good.form.cleaned_data["amount_min"] == 5
    assert bad.form.fields["status"] is good.form.fields["status"]
    assert bad.form.fields is not good.form.fields
    assert 'value="open" selected' in str(good.form["status"]) and "selected" not in str(bad.form["reason"])
