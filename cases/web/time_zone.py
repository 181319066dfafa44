"""The signed-in person's time zone (SPEC section 14), active for every back-office request.

`ProfileModelBackend` loads the person's profile in the same query as the person (a join), so
knowing their zone costs no query; `UserTimeZoneMiddleware` activates it for the back office's
views, so Django's `date` and `localtime` filters, form fields and `TruncWeek` work in it. The API,
the dialects and the admin keep the site's `TIME_ZONE`: what they send and read does not depend
on who is signed in.
"""

import zoneinfo

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone

from cases.time_zones import is_time_zone

# URL namespaces whose pages show dates to a person (cases.backoffice.urls).
BACK_OFFICE_NAMESPACES = frozenset({"cases"})


class ProfileModelBackend(ModelBackend):
    """Django's ModelBackend, reading the person with their profile (one query, as before)."""

    def get_user(self, user_id):
        users = get_user_model()._default_manager.select_related("backoffice_profile")
        try:
            user = users.get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


def user_time_zone(user) -> zoneinfo.ZoneInfo | None:
    """The zone the person chose, or None (no profile, no choice, or a zone no longer known)."""
    if user is None or not user.is_authenticated:
        return None
    try:
        name = user.backoffice_profile.time_zone
    except ObjectDoesNotExist:
        return None
    return zoneinfo.ZoneInfo(name) if is_time_zone(name) else None


class UserTimeZoneMiddleware:
    """Activates the person's zone around a back-office view (after AuthenticationMiddleware) and
    restores the previous one when the response is ready."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        finally:
            override = getattr(request, "_time_zone_override", None)
            if override is not None:
                override.__exit__(None, None, None)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = getattr(request, "resolver_match", None)
        if match is None or match.app_name not in BACK_OFFICE_NAMESPACES:
            return None
        zone = user_time_zone(getattr(request, "user", None))
        if zone is not None:
            request._time_zone_override = timezone.override(zone)
            request._time_zone_override.__enter__()
        return None
