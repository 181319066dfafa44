"""`{% widget field %}` gives exactly the markup of `{{ field }}` (Django's widget templates) for every
field of the case page's forms: blank, bound, with errors, with hostile input."""

from datetime import date

import pytest
from django import forms
from django.template import Context, Template

from cases.backoffice.forms import AmountForm, DeadlinesForm, EvidenceForm, NoteForm, ReviewForm, TransitionForm
from cases.backoffice.templatetags import widget
from tests.factories import make_case

HOSTILE = '"><script>alert(1)</script>'


def _forms(case):
    """Each case page form blank, bound and valid, bound with errors, and bound with hostile input."""
    return [
        NoteForm(), NoteForm({"text": "Called the merchant"}), NoteForm({"text": "   "}),
        NoteForm({"text": "card 4111 1111 1111 1111"}), NoteForm({"text": HOSTILE}),
        ReviewForm(), ReviewForm({"note": HOSTILE}), TransitionForm({"note": "x" * 6000}),
        EvidenceForm(), EvidenceForm({"category": "nope", "description": HOSTILE}),
        EvidenceForm({"category": "merchant_correspondence", "description": "d" * 600}),
        DeadlinesForm(case=case), DeadlinesForm({"level": "level_9", "internal_due_date": "not-a-date"}, case=case),
        DeadlinesForm({"level": "level_2", "internal_due_date": "2030-01-15", "due_date": "", "note": HOSTILE},
                      case=case),
        AmountForm(case=case), AmountForm({"amount": HOSTILE}, case=case), AmountForm({"amount": "12.5"}, case=case),
    ]


@pytest.mark.django_db
def test_every_case_page_field_renders_as_django_renders_it(program):
    case = make_case(program)
    case.internal_due_date = date(2030, 1, 2)
    fields = 0
    for form in _forms(case):
        if form.is_bound:
            form.is_valid()  # fills the errors the widgets show
        for field in form:
            assert widget(field) == str(field), (type(form).__name__, field.name, form.data)
            fields += 1
    assert fields > 30


@pytest.mark.django_db
def test_values_errors_and_hostile_input(program):
    case = make_case(program)
    form = DeadlinesForm({"level": "level_2", "internal_due_date": "not-a-date", "note": HOSTILE}, case=case)
    form.is_valid()
    assert widget(form["level"]).count(" selected") == 1
    assert '<option value="level_2" selected>level_2</option>' in widget(form["level"])
    assert 'value="not-a-date" aria-invalid="true" aria-describedby="id_internal_due_date_error"' in widget(
        form["internal_due_date"])
    note = widget(form["note"])
    assert "<script>" not in note and "&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;</textarea>" in note
    blank = DeadlinesForm(case=case)
    assert f'<option value="{case.level}" selected>' in widget(blank["level"])
    assert widget(blank["due_date"]) == '<input type="date" name="due_date" id="id_due_date">'
    assert 'maxlength="32" required aria-describedby="id_amount_helptext"' in widget(AmountForm(case=case)["amount"])


def test_other_widgets_go_through_django():
    class Other(forms.Form):
        agree = forms.BooleanField()
        tags = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B")])
        price = forms.DecimalField(localize=True)

    form = Other({"agree": "on", "tags": ["b"], "price": "1234.5"})
    for field in form:
        assert widget(field) == str(field)


def test_the_tag_in_a_template():
    form = NoteForm({"text": HOSTILE})
    rendered = Template("{% load backoffice %}{% widget form.text %}").render(Context({"form": form}))
    assert rendered == str(form["text"])
    assert "<script>" not in rendered
