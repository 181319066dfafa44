"""URLs of the Tutelar disputes dialect, mounted at /api/v1/dispute/ (no trailing slashes, as the original)."""

from django.urls import path, re_path

from providers.base import not_found_view
from providers.openapi import document_view
from providers.tutelar import errors, openapi, views

app_name = "tutelar"
urlpatterns = [
    path("create", views.create_view, name="create"),
    path("view/<str:dispute_id>", views.detail_view, name="view"),
    path("update/<str:dispute_id>", views.update_view, name="update"),
    path("move-level/<str:dispute_id>", views.move_level_view, name="move-level"),
    path("merchant-won/<str:dispute_id>", views.merchant_won_view, name="merchant-won"),
    path("merchant-loss/<str:dispute_id>", views.merchant_loss_view, name="merchant-loss"),
    # This dialect's own OpenAPI document (SPEC section 15), no authentication.
    path("openapi.json", document_view(openapi.build), name="openapi"),
    re_path(r"", not_found_view(errors.render_error)),
]
