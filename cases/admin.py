"""Django admin (SPEC section 7). Writes go through cases.services, so they are permission-checked,
screened and audited like every other door: FSM buttons run services.case_transition, edits of level
and due dates run services.case_update, merchant and cardholder edits run services.merchant_update /
cardholder_update. Events are read-only; evidence files cannot be replaced here.

A change form does not validate the model itself: the service is the validation. It runs while the
form is checked (inside the admin's transaction), and its errors are put on the fields they name.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django_fsm.admin import FSMAdminMixin
from rest_framework_api_key.admin import APIKeyModelAdmin
from rest_framework_api_key.models import APIKey

from cases import lifecycle, money, services
from cases.actors import actor_for
from cases.backoffice.forms import AdminLoginForm, DomainErrorsMixin, ScreenedFormMixin
from cases.exceptions import DisputeError
from cases.letters import render as letter_render
from cases.limits import MAX_NOTE
from cases.models import (
    ApiKey,
    ApprovalRequest,
    Cardholder,
    Case,
    CaseEvent,
    Claim,
    Evidence,
    IdempotencyKey,
    Letter,
    LetterTemplate,
    MastercardCredential,
    Merchant,
    Program,
    ProgramClosedDate,
    Transaction,
    WebhookDelivery,
    WebhookEndpoint,
)
from cases.services.credentials import mastercard_credential_revoke
from cases.services.parties import CARDHOLDER_FIELDS, MERCHANT_FIELDS
from cases.services.regulation import regulation_recompute_program

admin.site.login_form = AdminLoginForm
# The admin shows every time in the site's zone, whoever is signed in (docs/team.md): it says which.
admin.site.site_header = f"Disputes administration (times in {settings.TIME_ZONE})"
admin.site.site_title = "Disputes admin"
# The library registers its own (unused) APIKey model; ours is cases.ApiKey.
if admin.site.is_registered(APIKey):
    admin.site.unregister(APIKey)

EDITABLE_CASE_FIELDS = ("level", "internal_due_date", "due_date")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Viewable, never written from the admin: records that only the services write."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ServiceForm(DomainErrorsMixin, forms.ModelForm):
    """An admin change form whose write is a service call. `write(actor)` runs once the fields parse,
    instead of the model's own validation; a DisputeError it raises goes on the fields it names.
    `ServiceAdmin.get_form` hands the form its request."""

    request = None

    def write(self, actor) -> None:
        raise NotImplementedError

    def edited(self, names) -> dict:
        return {name: self.cleaned_data[name] for name in names if name in self.changed_data and name in self.cleaned_data}

    def _post_clean(self):
        if self._errors:
            return
        try:
            self.write(actor_for(self.request))
        except DisputeError as exc:
            self.add_domain_error(exc)


class ServiceAdmin(admin.ModelAdmin):
    """The form wrote the change through its service: nothing is saved here."""

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"request": request, "runs_transition": self._runs_transition(request)})

    def _runs_transition(self, request) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        """No related rows are edited here."""


class CaseAdminForm(ScreenedFormMixin, ServiceForm):
    change_note = forms.CharField(label="Note", required=False, max_length=MAX_NOTE,
                                  widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
                                  help_text="Recorded in the case's timeline with the edit or the transition.")
    runs_transition = False

    class Meta:
        model = Case
        fields = list(EDITABLE_CASE_FIELDS)

    def write(self, actor) -> None:
        changed = self.edited(EDITABLE_CASE_FIELDS)
        # A transition button carries the note itself; an edit that changes nothing keeps it as a note.
        if changed or not self.runs_transition:
            services.case_update(case=self.instance, actor=actor, note=self.cleaned_data.get("change_note", ""),
                                 **changed)


@admin.register(Case)
class CaseAdmin(FSMAdminMixin, ServiceAdmin):
    fsm_fields = ["status"]
    form = CaseAdminForm
    list_display = ("case_id", "number", "program", "status", "reason", "network", "network_reason_code",
                    "disputed", "level", "next_deadline", "review_status", "created")
    list_filter = ("status", "review_status", "program", "reason", "network", "dispute_type", "source", "level",
                   "next_deadline", "created")
    search_fields = ("case_id", "=number", "=transaction__arn", "transaction__merchant__name",
                     "transaction__cardholder__name", "=transaction__cardholder__email", "=transaction__card_last4")
    list_select_related = ("program", "transaction")
    date_hierarchy = "created"
    show_full_result_count = False
    fieldsets = [
        (None, {"fields": ["case_id", "number", "program", "claim", "transaction", "status", "review_status"]}),
        ("Dispute", {"fields": ["reason", "network", "network_reason_code", "dispute_type", "raised_by",
                                "dispute_date", "disputed", "tdr_details", "tax_details", "source"]}),
        ("Level and deadlines", {"fields": ["level", "internal_due_date", "due_date", "chargeback_due_date",
                                            "response_due_date", "next_deadline", "change_note"]}),
        ("Details", {"fields": ["issuer_evidence", "custom_fields", "comments", "version", "created", "updated"]}),
    ]

    @admin.display(description="Disputed amount", ordering="disputed_amount")
    def disputed(self, obj):
        return money.format_amount(obj.disputed_amount, obj.currency)

    def has_add_permission(self, request):
        return False  # cases are opened through the API and the dialects (services.case_create)

    def has_delete_permission(self, request, obj=None):
        return False  # the audit trail keeps every case

    def get_readonly_fields(self, request, obj=None):
        shown = [f for _, options in self.fieldsets for f in options["fields"] if f != "change_note"]
        editable = set(EDITABLE_CASE_FIELDS) if self._may_edit_deadlines(request, obj) else set()
        return tuple(f for f in shown if f not in editable)

    @staticmethod
    def _may_edit_deadlines(request, obj) -> bool:
        return obj is not None and obj.is_active and request.user.has_perm("cases.edit_case_deadlines")

    # --- edits: level and due dates through services.case_update (CaseAdminForm.write), so they are audited

    def _runs_transition(self, request) -> bool:
        return self.fsm_post_param in request.POST

    # --- FSM buttons: only transitions a person may run, executed by services.case_transition

    def is_fsm_transition_visible(self, transition):
        return transition.name in lifecycle.PERSON_TRANSITIONS

    def get_help_text(self, transition):
        return ""

    def get_fsm_label(self, transition):
        return lifecycle.TRANSITION_LABELS.get(transition.name, transition.name)

    def _apply_fsm_transition(self, *, obj, transition_name, request, kwargs=None):
        label = lifecycle.TRANSITION_LABELS.get(transition_name, transition_name)
        if transition_name not in lifecycle.PERSON_TRANSITIONS:
            self.message_user(request, f"{label} is not run from the admin.", messages.ERROR)
            return False
        note = (request.POST.get("change_note") or "").strip()
        try:
            services.case_transition(case=obj, transition=transition_name, actor=actor_for(request), note=note)
        except DisputeError as exc:
            self.message_user(request, f"{label}: {exc.message}", messages.ERROR)
            return False
        self.message_user(request, f"{label}: done.", messages.SUCCESS)
        return True


@admin.register(ApprovalRequest)
class ApprovalRequestAdmin(ReadOnlyAdmin):
    """Maker-checker requests are decided in the back office (/approvals/), through the service."""

    list_display = ("requested_at", "case", "action", "status", "requested_by", "decided_by", "decided_at")
    list_filter = ("status", "action")
    search_fields = ("case__case_id", "=case__number", "requested_by", "decided_by")
    list_select_related = ("case",)


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyAdmin):
    list_display = ("created", "case", "kind", "transition", "from_status", "to_status", "actor", "request_id")
    list_filter = ("kind", "transition", "to_status", "created")
    search_fields = ("case__case_id", "=case__number", "actor", "note", "=request_id")
    list_select_related = ("case",)
    date_hierarchy = "created"
    show_full_result_count = False


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    list_display = ("original_name", "case", "category", "content_type", "size", "uploaded_by", "created")
    list_filter = ("category", "content_type", "created")
    search_fields = ("original_name", "description", "case__case_id", "=sha256")
    list_select_related = ("case",)
    fields = ("case", "download", "original_name", "category", "description", "content_type", "size", "sha256",
              "uploaded_by", "created")
    readonly_fields = fields

    @admin.display(description="File")
    def download(self, obj):
        url = reverse("cases:evidence_download", args=[obj.case_id, obj.pk])
        return format_html('<a href="{}">Download {}</a>', url, obj.original_name)

    def has_add_permission(self, request):
        return False  # uploads go through services.case_add_evidence (type, size and count checks)

    def has_delete_permission(self, request, obj=None):
        return False


class ProgramClosedDateInline(admin.TabularInline):
    model = ProgramClosedDate
    extra = 1
    verbose_name = "closed date"
    verbose_name_plural = "Closed dates (beyond the Federal Reserve holidays; Reg E business days)"


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ("program_id", "name", "default_currency", "levels", "default_internal_due_days",
                    "review_threshold", "approval_actions", "approval_amount", "consumer_regulation", "time_zone",
                    "created")
    search_fields = ("program_id", "name")
    list_filter = ("default_currency", "consumer_regulation")
    inlines = [ProgramClosedDateInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The calendar, the rule or the time zone may have moved every running clock of the program.
        if change:
            moved = regulation_recompute_program(form.instance)
            if moved:
                messages.info(request, f"Regulatory due dates recomputed on {moved} case(s).")


class LetterTemplateForm(forms.ModelForm):
    class Meta:
        model = LetterTemplate
        fields = ["program", "kind", "subject", "body"]

    def clean(self):
        cleaned = super().clean()
        for name in ("subject", "body"):
            problem = letter_render.check_template(cleaned.get(name) or "")
            if problem:
                self.add_error(name, f"Template error: {problem}")
        return cleaned


@admin.register(LetterTemplate)
class LetterTemplateAdmin(admin.ModelAdmin):
    form = LetterTemplateForm
    list_display = ("program", "kind", "subject", "updated", "preview_link")
    list_filter = ("program", "kind")
    list_select_related = ("program",)

    @admin.display(description="Preview")
    def preview_link(self, obj):
        return format_html('<a href="{}" target="_blank">PDF</a>',
                           reverse("admin:cases_lettertemplate_preview", args=[obj.pk]))

    def get_urls(self):
        from django.urls import path

        return [path("<int:pk>/preview/", self.admin_site.admin_view(self.preview_view),
                     name="cases_lettertemplate_preview")] + super().get_urls()

    def preview_view(self, request, pk):
        """The template rendered on a sample case, as the cardholder would receive it (PDF)."""
        from django.http import Http404, HttpResponse

        template = LetterTemplate.objects.select_related("program").filter(pk=pk).first()
        if template is None or not self.has_view_permission(request, template):
            raise Http404
        case, letter = letter_render.sample(template.program, template.kind)
        rendered = letter_render.render(case, letter, source=(template.subject, template.body))
        response = HttpResponse(letter_render.to_pdf(rendered.html), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="preview-{template.kind}.pdf"'
        return response


@admin.register(Letter)
class LetterAdmin(ReadOnlyAdmin):
    list_display = ("case", "kind", "due", "sent_at", "attempts", "last_error")
    list_filter = ("kind",)
    list_select_related = ("case",)
    exclude = ("pdf",)
    search_fields = ("=case__case_id",)


@admin.register(ApiKey)
class ApiKeyAdmin(APIKeyModelAdmin):
    list_display = (*APIKeyModelAdmin.list_display, "program", "scopes")
    list_filter = ("program", "revoked", "created")
    list_select_related = ("program",)
    search_fields = ("name", "prefix", "program__program_id")


@admin.register(MastercardCredential)
class MastercardCredentialAdmin(ReadOnlyAdmin):
    """Registered with `manage.py create_mastercard_credential`; revoked here or with
    `revoke_mastercard_credential`."""

    list_display = ("consumer_key", "program", "revoked", "not_valid_after", "created")
    list_filter = ("program", "revoked")
    list_select_related = ("program",)
    search_fields = ("consumer_key", "program__program_id")
    exclude = ("public_key_pem",)
    actions = ["revoke"]

    @admin.action(description="Revoke the selected credentials", permissions=["revoke"])
    def revoke(self, request, queryset):
        revoked = [mastercard_credential_revoke(c) for c in queryset.filter(revoked=False)]
        self.message_user(request, f"Revoked {len(revoked)} credential(s).", messages.SUCCESS)

    def has_revoke_permission(self, request):
        return request.user.has_perm("cases.change_mastercardcredential")


class MerchantAdminForm(ServiceForm):
    class Meta:
        model = Merchant
        fields = list(MERCHANT_FIELDS)

    def write(self, actor) -> None:
        services.merchant_update(merchant=self.instance, actor=actor,
                                 fields=self.edited(MERCHANT_FIELDS))


class CardholderAdminForm(ServiceForm):
    class Meta:
        model = Cardholder
        fields = list(CARDHOLDER_FIELDS)

    def write(self, actor) -> None:
        services.cardholder_update(cardholder=self.instance, actor=actor,
                                   fields=self.edited(CARDHOLDER_FIELDS))


class PartyAdmin(ServiceAdmin):
    """Merchants and cardholders are recorded with their transactions (services.transaction_create);
    here they are corrected, through their service, with an event on every case they show on."""

    readonly_fields = ("program", "external_id")
    list_select_related = ("program",)

    def has_add_permission(self, request):
        return False


@admin.register(Merchant)
class MerchantAdmin(PartyAdmin):
    form = MerchantAdminForm
    list_display = ("name", "business_name", "mcc", "chargeback_email", "program", "external_id")
    list_filter = ("program", "mcc")
    search_fields = ("name", "business_name", "=external_id", "chargeback_email")


@admin.register(Cardholder)
class CardholderAdmin(PartyAdmin):
    form = CardholderAdminForm
    list_display = ("name", "email", "type", "country", "account_opened_on", "billing_cycle_day", "program",
                    "external_id")
    list_filter = ("program", "type", "country")
    search_fields = ("name", "=email", "=external_id")


@admin.register(Transaction)
class TransactionAdmin(ReadOnlyAdmin):
    list_display = ("financial_document_id", "program", "amount_display", "status", "card_network", "card_last4",
                    "merchant", "cardholder", "date")
    list_filter = ("program", "status", "card_network", "card_type", "system")
    search_fields = ("=financial_document_id", "=external_id", "=arn", "=switch_serial_number", "=card_last4",
                     "merchant__name", "cardholder__name")
    list_select_related = ("program", "merchant", "cardholder")
    date_hierarchy = "date"

    @admin.display(description="Amount", ordering="amount")
    def amount_display(self, obj):
        return money.format_amount(obj.amount, obj.currency)


@admin.register(Claim)
class ClaimAdmin(ReadOnlyAdmin):
    list_display = ("claim_id", "program", "status", "created", "updated")
    list_filter = ("program", "status")
    search_fields = ("claim_id",)
    list_select_related = ("program",)


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(ReadOnlyAdmin):
    list_display = ("owner", "key", "method", "path", "in_flight", "response_status", "created")
    list_filter = ("in_flight", "method", "response_status")
    search_fields = ("=owner", "=key", "path")
    exclude = ("response_body",)


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ReadOnlyAdmin):
    """Read-only here: endpoints are managed (and secrets shown once) on the back office's Webhooks page."""

    list_display = ("endpoint_id", "program", "url", "format", "status", "disabled_reason", "created")
    list_filter = ("status", "format")
    exclude = ("secret_encrypted", "previous_secret_encrypted")


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = ("event_id", "event_type", "endpoint", "status", "attempts", "next_attempt_at", "created")
    list_filter = ("status",)
    list_select_related = ("endpoint",)
    show_full_result_count = False
