from django.urls import path

from orders import views

urlpatterns = [
    path("cart", views.CartView.as_view(), name="cart"),
    path("cart/items", views.CartItemsView.as_view(), name="cart-items"),
    path("cart/items/<uuid:item_id>", views.CartItemView.as_view(), name="cart-item"),
    path("orders", views.OrdersView.as_view(), name="orders"),
    path("orders/<uuid:order_id>", views.OrderView.as_view(), name="order"),
    path(
        "organizations/<uuid:organization_id>/orders",
        views.OrganizationOrdersView.as_view(),
        name="organization-orders",
    ),
]
