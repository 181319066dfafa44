"""URLs of the Mastercard Processing Dispute dialect, mounted at /global-processing/dispute/.

The original paths have no trailing slash (POST /global-processing/dispute/cases).
"""

from django.urls import path, re_path

from providers.base import not_found_view
from providers.mastercard import openapi, views
from providers.openapi import document_view

app_name = "mastercard"
urlpatterns = [
    path("cases", views.cases_view, name="cases"),
    path("cases/<str:case_id>", views.case_view, name="case"),
    path("cases/<str:case_id>/trusted-amounts", views.trusted_amounts_view, name="trusted-amounts"),
    path("cases/<str:case_id>/attachments", views.attachments_view, name="attachments"),
    # This dialect's own OpenAPI document (SPEC section 15), no authentication.
    path("openapi.json", document_view(openapi.build), name="openapi"),
    re_path(r"", not_found_view(views.render_error)),
]
