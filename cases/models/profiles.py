"""A back-office person's preferences (SPEC section 14): the time zone every date and deadline is
shown in. A person without a profile, or with no zone chosen, sees `settings.TIME_ZONE`."""

from django.conf import settings
from django.db import models

from cases.models.programs import validate_time_zone


class UserProfile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True,
                                related_name="backoffice_profile")
    time_zone = models.CharField(max_length=64, blank=True, default="", validators=[validate_time_zone],
                                 help_text="IANA zone the back office shows dates in; empty: the site's TIME_ZONE.")
    updated = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.user_id}: {self.time_zone or 'default zone'}"
