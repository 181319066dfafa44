from django.contrib import admin
from django.urls import include, path

from cases.web.health import healthz

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    # Dialects, each at the path its original API uses (SPEC section 6).
    path("global-processing/dispute/", include("providers.mastercard.urls")),
    path("v2/issuer/", include("providers.decisionly.urls")),
    path("api/v1/dispute/", include("providers.tutelar.urls")),
    # Native API (SPEC section 5), OpenAPI document and Swagger UI.
    path("api/", include("cases.api.urls")),
    # Back office (SPEC section 7).
    path("", include("cases.backoffice.urls")),
]
