"""The real URL layout plus the bench floor at /bench/floor."""

from django.urls import include, path

from bench.floor import floor

urlpatterns = [
    path("bench/floor", floor),
    path("", include("disputes_site.urls")),
]
