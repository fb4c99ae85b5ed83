"""Back-office for carts and orders.

Orders are read-only here; staff change their status only through the
actions below, which call the same state machine as the API.
"""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from rest_framework.exceptions import ValidationError

from accounts.authentication import request_user
from marketplace.admin import ReadOnlyAdmin
from orders.exceptions import InvalidTransition
from orders.models import (
    Cart,
    CartItem,
    Order,
    OrderItem,
    OrderStatus,
    OrderTransition,
)
from orders.services.transitions import order_transition


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class CartItemInline(_ReadOnlyInline):
    model = CartItem
    readonly_fields = ("variant", "qty", "price_snapshot_cents", "created_at")
    fields = readonly_fields


class OrderItemInline(_ReadOnlyInline):
    model = OrderItem
    readonly_fields = ("variant", "sku", "product_title", "qty", "unit_price_cents")
    fields = readonly_fields


class OrderTransitionInline(_ReadOnlyInline):
    model = OrderTransition
    readonly_fields = (
        "sequence",
        "from_status",
        "to_status",
        "actor",
        "tracking_code",
        "created_at",
    )
    fields = readonly_fields
    ordering = ["sequence"]


@admin.register(Cart)
class CartAdmin(ReadOnlyAdmin):
    list_display = ["id", "buyer", "organization", "status", "updated_at"]
    list_filter = ["status", ("organization", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["=id", "buyer__email", "organization__name", "organization__slug"]
    list_select_related = ["buyer", "organization"]
    inlines = [CartItemInline]


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "buyer",
        "organization",
        "status",
        "total_cents",
        "currency",
        "tracking_code",
        "created_at",
    ]
    list_filter = [
        "status",
        ("organization", admin.RelatedOnlyFieldListFilter),
        "created_at",
    ]
    search_fields = ["=id", "buyer__email", "tracking_code", "organization__slug"]
    list_select_related = ["buyer", "organization"]
    inlines = [OrderItemInline, OrderTransitionInline]
    actions = ["mark_paid", "ship", "cancel", "confirm_delivery"]

    def has_transition_permission(self, request: HttpRequest) -> bool:
        # The form stays read-only; moving an order needs the change right.
        return request.user.has_perm("orders.change_order")

    @admin.action(description="Mark paid (D-09)", permissions=["transition"])
    def mark_paid(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._transition_all(request, queryset, OrderStatus.PAID)

    @admin.action(description="Ship, with tracking codes", permissions=["transition"])
    def ship(self, request: HttpRequest, queryset: QuerySet) -> TemplateResponse | None:
        if "apply" not in request.POST:
            return self._ship_form(request, queryset)
        codes = {
            str(order.pk): request.POST.get(f"tracking_code_{order.pk}", "")
            for order in queryset
        }
        self._transition_all(request, queryset, OrderStatus.SHIPPED, codes)
        return None

    @admin.action(description="Cancel, returning stock", permissions=["transition"])
    def cancel(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._transition_all(request, queryset, OrderStatus.CANCELLED)

    @admin.action(description="Confirm delivery", permissions=["transition"])
    def confirm_delivery(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._transition_all(request, queryset, OrderStatus.DELIVERED)

    def _transition_all(
        self,
        request: HttpRequest,
        queryset: QuerySet,
        to_status: str,
        tracking_codes: dict[str, str] | None = None,
    ) -> None:
        moved = 0
        for order_id in queryset.order_by("id").values_list("id", flat=True):
            code = (tracking_codes or {}).get(str(order_id), "")
            if self._transition_one(request, order_id, to_status, code):
                moved += 1
        if moved:
            self.message_user(
                request, f"{moved} order(s) moved to {to_status}.", messages.SUCCESS
            )

    def _transition_one(
        self, request: HttpRequest, order_id, to_status: str, tracking_code: str
    ) -> bool:
        try:
            order_transition(
                order_id=order_id,
                to_status=to_status,
                actor=request_user(request),
                tracking_code=tracking_code,
            )
        except InvalidTransition as refused:
            self.message_user(
                request,
                f"Order {order_id}: INVALID_TRANSITION from "
                f"{refused.details['from_status']} to {to_status}.",
                messages.ERROR,
            )
            return False
        except ValidationError:
            self.message_user(
                request,
                f"Order {order_id}: a tracking code of 1 to 100 characters is needed.",
                messages.ERROR,
            )
            return False
        return True

    def _ship_form(self, request: HttpRequest, queryset: QuerySet) -> TemplateResponse:
        context = {
            **self.admin_site.each_context(request),
            "title": "Ship orders",
            "opts": self.model._meta,
            "orders": queryset.order_by("id"),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/orders/order/ship.html", context)
