"""Two-factor pages (SPEC section 14, django-otp): enrol a TOTP app from a QR code drawn on the
server, verify a code after the password, and the recovery codes (django-otp's static device: ten
single-use codes, shown once)."""

import secrets

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.generic import View
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.web.two_factor import is_required

RECOVERY_CODES = 10
RECOVERY_SESSION_KEY = "two_factor_recovery_codes"


class CodeForm(forms.Form):
    token = forms.CharField(label="Code", max_length=16, widget=forms.TextInput(
        attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}))

    def clean_token(self):
        return "".join(self.cleaned_data["token"].split()).lower()


def _next_url(request, default: str = "/cases/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


def qr_svg(data: str) -> str:
    """The enrolment URL as an inline SVG QR code (drawn here: the secret never leaves the page)."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


def new_recovery_codes(user) -> list[str]:
    """Replace the user's recovery codes with ten new single-use ones; returns them (shown once)."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name="recovery", defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [secrets.token_hex(5) for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


class SetupView(LoginRequiredMixin, View):
    """GET /two-factor/setup/: the QR code of a new (unconfirmed) TOTP device; POST a code from the
    app confirms it, verifies this sign-in and shows the recovery codes once."""

    def pending_device(self, user) -> TOTPDevice:
        device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
        return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)

    def page(self, request, form, status=200):
        user = request.user
        enrolled = user_has_device(user)
        device = None if enrolled else self.pending_device(user)
        return render(request, "registration/two_factor_setup.html", {
            "form": form, "enrolled": enrolled, "required": is_required(user), "next": _next_url(request),
            "qr": qr_svg(device.config_url) if device else "",
            "secret": _base32(device.bin_key) if device else ""}, status=status)

    def get(self, request):
        return self.page(request, CodeForm())

    def post(self, request):
        if user_has_device(request.user):
            return redirect(reverse("cases:two_factor_setup"))
        form = CodeForm(request.POST)
        device = self.pending_device(request.user)
        if form.is_valid() and device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=request.user, confirmed=False).delete()
            otp_login(request, device)
            request.session[RECOVERY_SESSION_KEY] = new_recovery_codes(request.user)
            return redirect(reverse("cases:two_factor_recovery_codes") + "?" + urlencode({"next": _next_url(request)}))
        if form.is_valid():
            form.add_error("token", "That code is not the one your app shows now. Check the app and try again.")
        return self.page(request, form, status=400)


class RecoveryCodesView(LoginRequiredMixin, View):
    """The recovery codes, shown once after enrolment; POST makes new ones (a verified person only)."""

    def get(self, request):
        codes = request.session.pop(RECOVERY_SESSION_KEY, None)
        return render(request, "registration/two_factor_recovery_codes.html",
                      {"codes": codes, "next": _next_url(request), "verified": request.user.is_verified()})

    def post(self, request):
        if not request.user.is_verified():
            messages.error(request, "Verify a code first.")
            return redirect(reverse("cases:two_factor_verify"))
        request.session[RECOVERY_SESSION_KEY] = new_recovery_codes(request.user)
        return redirect(reverse("cases:two_factor_recovery_codes"))


class VerifyView(LoginRequiredMixin, View):
    """After the password: a code from the app, or a recovery code (each works once)."""

    def get(self, request):
        if not user_has_device(request.user):
            return redirect(reverse("cases:two_factor_setup"))
        return render(request, "registration/two_factor_verify.html", {"form": CodeForm(), "next": _next_url(request)})

    def post(self, request):
        form = CodeForm(request.POST)
        if form.is_valid():
            # A TOTP code is refused once used (its time step is remembered), a recovery code is
            # deleted when used, and every failure slows the next try (django-otp's throttling).
            device = match_token(request.user, form.cleaned_data["token"])
            if device is not None:
                otp_login(request, device)
                if isinstance(device, StaticDevice):
                    left = device.token_set.count()
                    messages.warning(request, f"Recovery code used; {left} left. Make new ones if you run low.")
                return redirect(_next_url(request))
            form.add_error("token", "That code was not accepted: wrong, already used, or too many tries just now.")
        return render(request, "registration/two_factor_verify.html", {"form": form, "next": _next_url(request)},
                      status=400)


def _base32(key: bytes) -> str:
    from base64 import b32encode

    return b32encode(key).decode().rstrip("=")
