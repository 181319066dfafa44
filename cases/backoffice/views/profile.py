"""The person's profile (/profile/): the time zone every date and deadline is shown in (SPEC
section 14). The choice is stored by cases.services.profiles and activated for every back-office
request by cases.web.time_zone."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.generic import View

from cases.backoffice import times
from cases.backoffice.views.base import BackOfficeMixin, redirect_after_post
from cases.exceptions import DisputeError
from cases.lifecycle import today
from cases.services import profiles
from cases.time_zones import known_time_zones
from cases.web.time_zone import user_time_zone

# Listed first: where dispute teams of US, UK and EU issuers sit.
COMMON_ZONES = ("America/New_York", "America/Chicago", "America/Denver", "America/Phoenix", "America/Los_Angeles",
                "America/Anchorage", "Pacific/Honolulu", "Europe/London", "Europe/Dublin", "Europe/Berlin",
                "Europe/Paris", "UTC")


def zone_choices() -> list:
    default = f"The site's zone ({settings.TIME_ZONE})"
    common = [(name, name) for name in COMMON_ZONES if name in known_time_zones()]
    every = [(name, name) for name in sorted(known_time_zones())]
    return [("", default), ("Common", common), ("Every zone", every)]


class TimeZoneForm(forms.Form):
    # A select in the page; the service decides what is a zone (a crafted value is refused there).
    time_zone = forms.CharField(label="Time zone", required=False, max_length=64, widget=forms.Select)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].widget.choices = zone_choices()


class ProfileView(BackOfficeMixin, View):
    """GET: the person's time zone and what it means for deadlines. POST: choose another."""

    def page(self, request, form, status=200):
        chosen = user_time_zone(request.user)
        day = today()
        return render(request, "cases/profile.html", {
            "form": form, "chosen": chosen.key if chosen else "", "default_zone": settings.TIME_ZONE,
            "now": timezone.now(), "example_day": day, "example_end": times.deadline_end_text(day),
        }, status=status)

    def get(self, request):
        chosen = user_time_zone(request.user)
        return self.page(request, TimeZoneForm(initial={"time_zone": chosen.key if chosen else ""}))

    def post(self, request):
        form = TimeZoneForm(request.POST)
        if form.is_valid():
            try:
                profile = profiles.profile_set_time_zone(user=request.user,
                                                         time_zone=form.cleaned_data["time_zone"])
            except DisputeError as exc:
                form.add_error("time_zone" if exc.field == "time_zone" else None, exc.message)
            else:
                zone = profile.time_zone or f"the site's zone, {settings.TIME_ZONE}"
                messages.success(request, f"Dates and deadlines are now shown in {zone}.")
                return redirect_after_post(request, reverse("cases:profile"))
        return self.page(request, form, status=400)
