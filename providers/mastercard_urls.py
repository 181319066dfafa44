"""URLs of the Mastercard Processing Dispute dialect, mounted at /global-processing/dispute/.

The original paths have no trailing slash (POST /global-processing/dispute/cases).
"""

from django.urls import path, re_path

from providers import mastercard
from providers.base import not_found_view

app_name = "mastercard"
urlpatterns = [
    path("cases", mastercard.cases_view, name="cases"),
    path("cases/<str:case_id>", mastercard.case_view, name="case"),
    path("cases/<str:case_id>/trusted-amounts", mastercard.trusted_amounts_view, name="trusted-amounts"),
    path("cases/<str:case_id>/attachments", mastercard.attachments_view, name="attachments"),
    re_path(r"", not_found_view(mastercard.render_error)),
]
