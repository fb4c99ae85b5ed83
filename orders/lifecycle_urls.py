from django.urls import path

from orders import lifecycle_views as views

urlpatterns = [
    path(
        "orders/<uuid:order_id>/cancel",
        views.OrderCancelView.as_view(),
        name="order-cancel",
    ),
    path(
        "orders/<uuid:order_id>/confirm-delivery",
        views.OrderConfirmDeliveryView.as_view(),
        name="order-confirm-delivery",
    ),
    path(
        "orders/<uuid:order_id>/mark-paid",
        views.OrderMarkPaidView.as_view(),
        name="order-mark-paid",
    ),
    path(
        "orders/<uuid:order_id>/ship",
        views.OrderShipView.as_view(),
        name="order-ship",
    ),
    path(
        "orders/<uuid:order_id>/events",
        views.OrderEventsView.as_view(),
        name="order-events",
    ),
]
