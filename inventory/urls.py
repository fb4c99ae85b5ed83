from django.urls import path

from inventory import views

urlpatterns = [
    path(
        "variants/<uuid:variant_id>/stock/movements",
        views.StockMovementsView.as_view(),
        name="stock-movements",
    ),
    path(
        "variants/<uuid:variant_id>/stock/balance",
        views.StockBalanceView.as_view(),
        name="stock-balance",
    ),
]
