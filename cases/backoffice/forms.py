"""Back-office forms. They parse and screen input; the writes happen in cases.services."""

import math

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from cases import money, pan
from cases.choices import EvidenceCategory
from cases.exceptions import DisputeError
from cases.limits import MAX_NOTE, column_length
from cases.models import Evidence
from cases.web import login_throttle


class ThrottledLoginMixin:
    """Refuse sign-in after too many failures for the same username and address (settings.LOGIN_THROTTLE)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "throttled": "Too many failed sign-in attempts. Try again in %(minutes)s minute(s).",
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        address = login_throttle.client_address(self.request)
        wait = login_throttle.seconds_locked(username, address)
        if wait:
            raise ValidationError(self.error_messages["throttled"], code="throttled",
                                  params={"minutes": math.ceil(wait / 60)})
        try:
            cleaned = super().clean()
        except ValidationError:
            login_throttle.record_failure(username, address)
            raise
        login_throttle.reset(username, address)
        return cleaned

    @property
    def is_throttled(self) -> bool:
        return any(e.code == "throttled" for e in self.errors.as_data().get("__all__", []))


class LoginForm(ThrottledLoginMixin, AuthenticationForm):
    pass


class AdminLoginForm(ThrottledLoginMixin, AdminAuthenticationForm):
    error_messages = {**AdminAuthenticationForm.error_messages, **ThrottledLoginMixin.error_messages,
                      "invalid_login": AdminAuthenticationForm.error_messages["invalid_login"]}


class DomainErrorsMixin:
    """A form that shows a service's domain errors in place: each on the field it names, else above the form."""

    def add_domain_error(self, exc: DisputeError) -> None:
        errors = exc.errors or []
        placed = False
        for error in errors:
            field = (error.field or "").split(".")[0]
            if field in self.fields:
                self.add_error(field, error.message)
                if error.code == "pan_detected":
                    self.forget(field)
                placed = True
        if not placed:
            self.add_error(None, exc.message)

    def forget(self, name: str) -> None:
        """Never echo a card number back into the re-rendered form."""
        self.data = self.data.copy()
        self.data[self.add_prefix(name)] = ""


class ScreenedFormMixin(DomainErrorsMixin):
    """Free-text fields are screened for full card numbers (SPEC section 9) before any service sees them."""

    def clean(self):
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            if isinstance(value, str) and pan.contains_pan(value):
                self.add_error(name, ValidationError(pan.PAN_MESSAGE, code="pan_detected"))
                self.forget(name)
        return cleaned


class ScreenedForm(ScreenedFormMixin, forms.Form):
    pass


def _note_field(required: bool = False, label: str = "Note (optional)") -> forms.CharField:
    return forms.CharField(label=label, required=required, max_length=MAX_NOTE, strip=True,
                           widget=forms.Textarea(attrs={"rows": 2}))


class NoteForm(ScreenedForm):
    text = _note_field(required=True, label="Note")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].widget.attrs["placeholder"] = "A note for the team: calls, findings, next steps…"


class TransitionForm(ScreenedForm):
    note = _note_field()


class ReviewForm(ScreenedForm):
    note = _note_field()


class DeadlinesForm(ScreenedForm):
    level = forms.ChoiceField()
    internal_due_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    due_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    note = _note_field()

    def __init__(self, *args, case, **kwargs):
        kwargs.setdefault("initial", {"level": case.level, "internal_due_date": case.internal_due_date,
                                      "due_date": case.due_date})
        super().__init__(*args, **kwargs)
        levels = list(case.program.levels)
        if case.level not in levels:
            levels.append(case.level)
        self.fields["level"].choices = [(level, level) for level in levels]


class AmountForm(ScreenedForm):
    amount = forms.CharField(label="New disputed amount", max_length=32)
    note = _note_field()

    def __init__(self, *args, case, **kwargs):
        self.case = case
        kwargs.setdefault("initial", {"amount": money.to_major(case.disputed_amount, case.currency)})
        super().__init__(*args, **kwargs)
        self.fields["amount"].help_text = f"In {case.currency}, major units (the corrected total, not a difference)."

    def clean_amount(self):
        try:
            return money.to_minor(self.cleaned_data["amount"], self.case.currency)
        except DisputeError as exc:
            raise ValidationError(exc.message, code="invalid_amount") from None


class EvidenceForm(ScreenedForm):
    file = forms.FileField()
    category = forms.ChoiceField(choices=EvidenceCategory.choices, initial=EvidenceCategory.OTHER)
    description = forms.CharField(required=False, max_length=column_length(Evidence, "description"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # Checked before reading: an oversized upload is refused without loading it into memory.
        if upload.size > settings.EVIDENCE_MAX_BYTES:
            raise ValidationError(f"Files are limited to {settings.EVIDENCE_MAX_BYTES // (1024 * 1024)} MiB.",
                                  code="file_too_large")
        if pan.contains_pan(upload.name or ""):
            raise ValidationError(pan.PAN_MESSAGE, code="pan_detected")
        return upload


class AssignForm(forms.Form):
    """A supervisor's choice of assignee by username; empty unassigns. The service checks the person."""

    assignee = forms.ModelChoiceField(queryset=None, required=False, to_field_name="username",
                                      empty_label="Unassigned",
                                      error_messages={"invalid_choice": "Choose an active analyst or supervisor."})

    def __init__(self, *args, **kwargs):
        from cases.services.assignment import assignable_users

        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignable_users()


BULK_EXPORT = "export"


class BulkForm(ScreenedForm):
    """A queue selection's action (the selected case numbers come as repeated `case` fields and are
    read by cases.services.bulk). Transitions are offered by their labels; the system's own
    (`expire`) never."""

    action = forms.ChoiceField(choices=[("assign", "Assign to"), ("transition", "Run a step"), ("note", "Add a note"),
                                        (BULK_EXPORT, "Export CSV")],
                               error_messages={"required": "Choose an action.",
                                               "invalid_choice": "Choose an action."})
    transition = forms.ChoiceField(required=False)
    assignee = forms.ModelChoiceField(queryset=None, required=False, to_field_name="username",
                                      empty_label="Unassigned",
                                      error_messages={"invalid_choice": "Choose an active analyst or supervisor."})
    note = _note_field()

    def __init__(self, *args, **kwargs):
        from cases import lifecycle
        from cases.services.assignment import assignable_users

        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignable_users()
        self.fields["transition"].choices = [("", "—")] + [
            (name, label) for name, label in lifecycle.TRANSITION_LABELS.items()
            if name not in lifecycle.SYSTEM_ONLY_TRANSITIONS]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "transition" and not cleaned.get("transition"):
            self.add_error("transition", "Choose the step to run.")
        if cleaned.get("action") == "note" and not cleaned.get("note") and "note" not in self.errors:
            self.add_error("note", "Write the note to add.")
        return cleaned
