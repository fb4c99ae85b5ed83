"""SPEC 5 admin: order transitions as admin actions through the state machine."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from accounts.models import User
from inventory.models import StockBalance
from inventory.selectors import stock_discrepancies
from orders.models import OrderStatus, OrderTransition
from orders.services.transitions import order_transition
from tests.orders.factories import CartItemFactory
from tests.orders.lifecycle_factories import pending_order

pytestmark = pytest.mark.django_db

S = OrderStatus
CHANGELIST = "admin:orders_order_changelist"


@pytest.fixture
def staff() -> User:
    return User.objects.create_superuser("staff@example.com", "staff-password-123")


@pytest.fixture
def admin_client(staff) -> Client:
    client = Client()
    client.force_login(staff)
    return client


def run_action(client: Client, action: str, orders, **extra):
    data = {"action": action, ACTION_CHECKBOX_NAME: [str(o.pk) for o in orders]}
    return client.post(reverse(CHANGELIST), data | extra, follow=True)


def texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_d04_admin_marks_paid_through_the_state_machine(admin_client, staff):
    order = pending_order()

    response = run_action(admin_client, "mark_paid", [order])

    assert response.status_code == 200
    order.refresh_from_db()
    assert order.status == S.PAID
    last = OrderTransition.objects.filter(order=order).order_by("sequence").last()
    assert (last.sequence, last.to_status, last.actor_id) == (2, S.PAID, staff.pk)
    balance = StockBalance.objects.get(variant=order.items.get().variant)
    assert (balance.available, balance.reserved) == (8, 0)
    assert stock_discrepancies() == []


def test_d04_admin_invalid_transition_is_reported_per_order(admin_client):
    pending, paid = pending_order(), pending_order()
    order_transition(order_id=paid.pk, to_status=S.PAID, actor=None)

    response = run_action(admin_client, "confirm_delivery", [pending, paid])

    messages = texts(response)
    assert any(f"Order {pending.pk}: INVALID_TRANSITION" in text for text in messages)
    assert any(f"Order {paid.pk}: INVALID_TRANSITION" in text for text in messages)
    pending.refresh_from_db()
    paid.refresh_from_db()
    assert (pending.status, paid.status) == (S.PENDING, S.PAID)


def test_d04_admin_cancel_moves_only_the_orders_that_may_move(admin_client):
    pending, delivered = pending_order(), pending_order()
    for step in (S.PAID, S.SHIPPED, S.DELIVERED):
        order_transition(
            order_id=delivered.pk, to_status=step, actor=None, tracking_code="T"
        )

    response = run_action(admin_client, "cancel", [pending, delivered])

    pending.refresh_from_db()
    delivered.refresh_from_db()
    assert (pending.status, delivered.status) == (S.CANCELLED, S.DELIVERED)
    assert "1 order(s) moved to CANCELLED." in texts(response)
    assert stock_discrepancies() == []


def test_d04_admin_ship_asks_for_tracking_codes_then_ships(admin_client):
    order = pending_order()
    order_transition(order_id=order.pk, to_status=S.PAID, actor=None)

    form = run_action(admin_client, "ship", [order])
    assert f'name="tracking_code_{order.pk}"' in form.content.decode()
    order.refresh_from_db()
    assert order.status == S.PAID

    codes = {f"tracking_code_{order.pk}": "BR42"}
    run_action(admin_client, "ship", [order], apply="1", **codes)

    order.refresh_from_db()
    assert (order.status, order.tracking_code) == (S.SHIPPED, "BR42")


def test_d04_admin_ship_without_tracking_code_is_refused(admin_client):
    order = pending_order()
    order_transition(order_id=order.pk, to_status=S.PAID, actor=None)

    response = run_action(admin_client, "ship", [order], apply="1")

    assert any("tracking code" in text for text in texts(response))
    order.refresh_from_db()
    assert order.status == S.PAID


def test_admin_order_page_shows_items_and_transition_history(admin_client):
    order = pending_order()
    order_transition(order_id=order.pk, to_status=S.CANCELLED, actor=order.buyer)

    response = admin_client.get(reverse("admin:orders_order_change", args=[order.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert order.items.get().sku in page
    # Read-only choice fields show their labels.
    assert "Order transitions" in page
    assert "Pending" in page and "Cancelled" in page


def test_admin_orders_and_carts_are_searchable_and_filterable(admin_client):
    order = pending_order()
    item = CartItemFactory()

    orders = admin_client.get(
        reverse(CHANGELIST), {"q": order.buyer.email, "status__exact": S.PENDING}
    )
    carts = admin_client.get(
        reverse("admin:orders_cart_changelist"), {"q": item.cart.buyer.email}
    )
    cart = admin_client.get(reverse("admin:orders_cart_change", args=[item.cart.pk]))

    assert str(order.pk) in orders.content.decode()
    assert carts.status_code == 200 and item.cart.buyer.email in carts.content.decode()
    assert item.variant.sku in cart.content.decode()


def test_admin_may_not_add_edit_or_delete_orders(admin_client):
    order = pending_order()

    add = admin_client.get(reverse("admin:orders_order_add"))
    delete = admin_client.post(
        reverse(CHANGELIST),
        {"action": "delete_selected", ACTION_CHECKBOX_NAME: [str(order.pk)]},
    )

    assert add.status_code == 403
    assert order.__class__.objects.filter(pk=order.pk).exists()
    assert delete.status_code in (200, 302)


def test_admin_staff_without_change_right_has_no_transition_actions(client):
    viewer = User.objects.create_user("viewer@example.com", "viewer-password-1")
    viewer.is_staff = True
    viewer.save()
    from django.contrib.auth.models import Permission

    viewer.user_permissions.add(Permission.objects.get(codename="view_order"))
    client.force_login(viewer)
    order = pending_order()

    run_action(client, "mark_paid", [order])

    order.refresh_from_db()
    assert order.status == S.PENDING
