"""The production settings plus the bench floor's URL (bench only; never deployed)."""

from disputes_site.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
