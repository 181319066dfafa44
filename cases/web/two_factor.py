"""Two-factor sign-in (SPEC section 14) with django-otp: who must verify a code after the password,
and the middleware that sends them to verify (or enrol) before any other page, the admin included.

With `REQUIRE_2FA` on (default with DJANGO_HTTPS=1), staff and supervisors (the `decide_approval`
permission) must hold a confirmed device and verify it at each sign-in; anyone else who enrolled
verifies too. Off (development), nobody is asked. django-otp's OTPMiddleware marks the request's
user verified once `django_otp.login` ran in this session (the session is rotated at sign-in, so
verification never outlives it).
"""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.http import urlencode
from django_otp import user_has_device

SETUP_URL, VERIFY_URL = "cases:two_factor_setup", "cases:two_factor_verify"
# What an unverified person may still reach: sign-in and sign-out, the two-factor pages, static files.
OPEN_URL_NAMES = {"login", "logout", "two_factor_setup", "two_factor_verify", "two_factor_recovery_codes"}


def is_required(user) -> bool:
    """Whether the role must use two-factor sign-in (when REQUIRE_2FA is on)."""
    return bool(user.is_staff or user.is_superuser or user.has_perm("cases.decide_approval"))


def must_verify(user) -> bool:
    if not settings.REQUIRE_2FA or not user.is_authenticated or user.is_verified():
        return False
    return is_required(user) or user_has_device(user)


class TwoFactorMiddleware:
    """A signed-in person who must verify and has not is sent to verify (or to enrol, without a
    device), whatever page they asked for: back office, admin, or the API by session."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and must_verify(user) and not self._open(request):
            target = VERIFY_URL if user_has_device(user) else SETUP_URL
            url = reverse(target)
            if request.method == "GET":
                url += "?" + urlencode({"next": request.get_full_path()})
            return redirect(url)
        return self.get_response(request)

    @staticmethod
    def _open(request) -> bool:
        if request.path.startswith("/" + settings.STATIC_URL.lstrip("/")) or request.path == "/healthz":
            return True
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        return match.namespace == "cases" and match.url_name in OPEN_URL_NAMES
