"""The project's routes plus `bench/bare`, the baseline every ratio divides by."""

from django.urls import include, path

from bench.views import BareView

urlpatterns = [
    path("bench/bare", BareView.as_view(), name="bench-bare"),
    path("", include("marketplace.urls")),
]

handler400 = "marketplace.errors.bad_request"
handler403 = "marketplace.errors.permission_denied"
handler404 = "marketplace.errors.page_not_found"
handler500 = "marketplace.errors.server_error"
