"""Top-level routes: the API at the root, as SPEC section 4 writes them."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerView,
)

from marketplace import health
from marketplace.logview import LogView

urlpatterns = [
    path("", include("accounts.urls")),
    path("", include("orgs.urls")),
    path("", include("catalog.urls")),
    path("", include("inventory.urls")),
    path("", include("orders.urls")),
    path("", include("orders.lifecycle_urls")),
    path("", include("reviews.urls")),
    path("health/liveness", health.liveness, name="health-liveness"),
    path("health/readiness", health.readiness, name="health-readiness"),
    path("logs", LogView.as_view(), name="logs"),
    path("", include("django_prometheus.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    path("redoc", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
    path("api-auth/", include("rest_framework.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "marketplace.errors.bad_request"
handler403 = "marketplace.errors.permission_denied"
handler404 = "marketplace.errors.page_not_found"
handler500 = "marketplace.errors.server_error"
