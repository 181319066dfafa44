"""URLs of the Decisionly issuer dialect, mounted at /v2/issuer/ (no trailing slashes, as the original)."""

from django.urls import path, re_path

from providers.base import not_found_view
from providers.decisionly import errors, openapi, views
from providers.openapi import document_view

app_name = "decisionly"
urlpatterns = [
    path("cases", views.cases_view, name="cases"),
    path("cases/<str:case_id>", views.case_view, name="case"),
    path("cases/<str:case_id>/file", views.file_view, name="file"),
    path("claims", views.claims_view, name="claims"),
    path("claims/<str:claim_id>/cases", views.claim_cases_view, name="claim-cases"),
    # This dialect's own OpenAPI document (SPEC section 15), no authentication.
    path("openapi.json", document_view(openapi.build), name="openapi"),
    re_path(r"", not_found_view(errors.render_error)),
]
