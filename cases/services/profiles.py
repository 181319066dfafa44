"""A person's back-office preferences (SPEC section 14): the time zone dates are shown in.

Preferences are not case changes: they write no audit event (like saved views).
"""

from cases.exceptions import PermissionDenied, ValidationFailed
from cases.models import UserProfile
from cases.time_zones import is_time_zone

TIME_ZONE_MESSAGE = "Not a time zone this system knows. Pick one from the list (IANA names, such as America/New_York)."


def profile_set_time_zone(*, user, time_zone: str) -> UserProfile:
    """Store the person's time zone (an IANA name; empty: the site's default); returns the profile."""
    if user is None or not user.is_authenticated:
        raise PermissionDenied("Sign in to choose a time zone.")
    time_zone = time_zone.strip() if isinstance(time_zone, str) else time_zone
    if time_zone != "" and not is_time_zone(time_zone):
        raise ValidationFailed.single("time_zone", "invalid", TIME_ZONE_MESSAGE)
    profile, _ = UserProfile.objects.update_or_create(user=user, defaults={"time_zone": time_zone})
    return profile
