import pytest
from django.core import mail
from django.utils import timezone
from prometheus_client import REGISTRY

from catalog.models import PriceHistory
from inventory.models import MovementKind, StockBalance, StockMovement
from inventory.selectors import stock_discrepancies
from orders.models import Cart, CartStatus, Order, OrderStatus, OrderTransition
from tests.accounts.factories import UserFactory
from tests.catalog.factories import ProductFactory, VariantFactory
from tests.conftest import client_for
from tests.inventory.factories import stock_in
from tests.orders.factories import open_cart

pytestmark = pytest.mark.django_db

ADDRESS = "Av. Paulista 1000, São Paulo SP, 01310-100"


def in_stock(qty=10, **kwargs):
    variant = VariantFactory(**kwargs)
    stock_in(variant, qty)
    return variant


def checkout(client, cart, **extra):
    return client.post(
        "/orders",
        {"cart_id": str(cart.pk), "shipping_address": ADDRESS},
        format="json",
        **extra,
    )


def refused_count(reason: str) -> float:
    value = REGISTRY.get_sample_value(
        "marketplace_checkouts_refused_total", {"reason": reason}
    )
    return value or 0.0


def assert_nothing_written(cart, items_before):
    cart.refresh_from_db()
    assert cart.status == CartStatus.OPEN
    assert list(cart.items.values_list("variant_id", "qty")) == items_before
    assert not Order.objects.exists()
    assert not StockMovement.objects.exclude(kind=MovementKind.IN).exists()
    assert not StockBalance.objects.filter(reserved__gt=0).exists()
    assert stock_discrepancies() == []


def test_d02_checkout_turns_the_cart_into_a_pending_order(user_client, user):
    a = in_stock(price_cents=1200)
    b = in_stock(price_cents=300, product=ProductFactory(organization=a.organization))
    cart = open_cart(user, (a, 2), (b, 1))

    response = checkout(user_client, cart)

    assert response.status_code == 201
    body = response.json()
    assert set(body) == {
        "id",
        "buyer_id",
        "organization_id",
        "status",
        "total_cents",
        "currency",
        "shipping_address",
        "tracking_code",
        "items",
        "idempotency_key",
        "created_at",
        "updated_at",
    }
    assert body["buyer_id"] == str(user.pk)
    assert body["organization_id"] == str(a.organization_id)
    assert body["status"] == "PENDING"
    assert body["total_cents"] == 2 * 1200 + 300
    assert body["currency"] == "BRL"
    assert body["shipping_address"] == ADDRESS
    assert body["tracking_code"] == ""
    assert body["idempotency_key"] is None
    lines = sorted((i["sku"], i["qty"], i["unit_price_cents"]) for i in body["items"])
    assert lines == sorted([(a.sku, 2, 1200), (b.sku, 1, 300)])

    order = Order.objects.get()
    cart.refresh_from_db()
    assert cart.status == CartStatus.CONVERTED
    assert order.cart == cart
    assert order.items.get(variant=a).product_title == a.product.title
    transition = OrderTransition.objects.get(order=order)
    assert (transition.sequence, transition.from_status, transition.to_status) == (
        1,
        "",
        OrderStatus.PENDING,
    )
    assert transition.actor == user


def test_d05_checkout_reserves_each_item_with_a_movement_referencing_the_order(
    user_client, user
):
    a = in_stock(qty=5)
    b = in_stock(qty=5, product=ProductFactory(organization=a.organization))
    cart = open_cart(user, (a, 2), (b, 3))

    order_id = checkout(user_client, cart).json()["id"]

    reservations = StockMovement.objects.filter(kind=MovementKind.RESERVATION)
    assert sorted(reservations.values_list("variant_id", "qty")) == sorted(
        [(a.pk, 2), (b.pk, 3)]
    )
    assert {(m.ref_type, m.ref_id, m.audit_user_id) for m in reservations} == {
        ("order", order_id, user.pk)
    }
    balances = {
        row.variant_id: (row.available, row.reserved)
        for row in StockBalance.objects.all()
    }
    assert balances == {a.pk: (3, 2), b.pk: (2, 3)}
    assert stock_discrepancies() == []


def test_d05_insufficient_stock_on_the_second_item_rolls_everything_back(
    user_client, user
):
    a = in_stock(qty=5)
    b = in_stock(qty=1, product=ProductFactory(organization=a.organization))
    cart = open_cart(user, (a, 2), (b, 2))
    before = refused_count("INSUFFICIENT_STOCK")

    response = checkout(user_client, cart)

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "INSUFFICIENT_STOCK"
    assert body["details"] == {"variant_id": str(b.pk), "requested": 2, "available": 1}
    assert_nothing_written(cart, [(a.pk, 2), (b.pk, 2)])
    assert refused_count("INSUFFICIENT_STOCK") == before + 1


def test_d05_price_changed_refreshes_snapshots_and_a_retry_succeeds(user_client, user):
    a = in_stock(price_cents=1000)
    b = in_stock(price_cents=500, product=ProductFactory(organization=a.organization))
    cart = open_cart(user, (a, 1), (b, 2))
    PriceHistory.objects.create(variant=b, amount_cents=450, valid_from=timezone.now())

    refused = checkout(user_client, cart, HTTP_IDEMPOTENCY_KEY="first")

    assert refused.status_code == 409
    assert refused.json()["code"] == "PRICE_CHANGED"
    assert refused.json()["details"]["items"] == [
        {"variant_id": str(b.pk), "snapshot_cents": 500, "current_cents": 450}
    ]
    assert_nothing_written(cart, [(a.pk, 1), (b.pk, 2)])
    assert cart.items.get(variant=b).price_snapshot_cents == 450

    # The 409 is stored under its key (SPEC 3), so the retry uses a new one.
    retry = checkout(user_client, cart, HTTP_IDEMPOTENCY_KEY="second")

    assert retry.status_code == 201
    assert retry.json()["total_cents"] == 1000 + 2 * 450


@pytest.mark.parametrize("change", ["inactive", "deleted"])
def test_d05_unavailable_product_refuses_checkout_and_writes_nothing(
    user_client, user, change
):
    a = in_stock()
    b = in_stock(product=ProductFactory(organization=a.organization))
    cart = open_cart(user, (a, 1), (b, 1))
    if change == "inactive":
        b.product.is_active = False
    else:
        b.product.deleted_at = timezone.now()
    b.product.save()

    response = checkout(user_client, cart)

    assert response.status_code == 409
    assert response.json()["code"] == "PRODUCT_UNAVAILABLE"
    assert response.json()["details"] == {"variant_id": str(b.pk)}
    assert_nothing_written(cart, [(a.pk, 1), (b.pk, 1)])


def test_d02_empty_cart_is_409_cart_empty(user_client, user):
    cart = open_cart(user, (in_stock(), 1))
    cart.items.all().delete()

    response = checkout(user_client, cart)

    assert response.status_code == 409
    assert response.json()["code"] == "CART_EMPTY"
    assert not Order.objects.exists()


@pytest.mark.parametrize("status", [CartStatus.CONVERTED, CartStatus.EXPIRED])
def test_d02_a_cart_not_open_cannot_be_checked_out(user_client, user, status):
    cart = open_cart(user, (in_stock(), 1))
    Cart.objects.filter(pk=cart.pk).update(status=status)

    response = checkout(user_client, cart)

    assert response.status_code == 409
    assert response.json()["code"] == "CART_NOT_OPEN"
    assert not Order.objects.exists()


def test_d02_a_second_checkout_of_a_converted_cart_is_refused(user_client, user):
    cart = open_cart(user, (in_stock(), 1))

    first = checkout(user_client, cart)
    second = checkout(user_client, cart)

    assert first.status_code == 201
    assert second.status_code == 409
    assert second.json()["code"] == "CART_NOT_OPEN"
    assert Order.objects.count() == 1


def test_d02_another_users_cart_is_404(user_client):
    cart = open_cart(UserFactory(), (in_stock(), 1))

    response = checkout(user_client, cart)

    assert response.status_code == 404
    assert not Order.objects.exists()


@pytest.mark.parametrize("address", ["", "   ", "x" * 501])
def test_d02_shipping_address_is_1_to_500_characters(user_client, user, address):
    cart = open_cart(user, (in_stock(), 1))

    response = user_client.post(
        "/orders",
        {"cart_id": str(cart.pk), "shipping_address": address},
        format="json",
    )

    assert response.status_code == 400
    assert "shipping_address" in response.json()["details"]


def test_d02_shipping_address_is_returned_as_sent(user_client, user):
    cart = open_cart(user, (in_stock(), 1))
    address = "  Rua das Flores 12,\nApto 3  "

    response = user_client.post(
        "/orders", {"cart_id": str(cart.pk), "shipping_address": address}, format="json"
    )

    assert response.json()["shipping_address"] == address


def test_d01_retry_with_the_same_key_replays_the_order(user_client, user):
    cart = open_cart(user, (in_stock(), 1))

    first = checkout(user_client, cart, HTTP_IDEMPOTENCY_KEY="checkout-1")
    again = checkout(user_client, cart, HTTP_IDEMPOTENCY_KEY="checkout-1")

    assert (first.status_code, again.status_code) == (201, 201)
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert first.json()["idempotency_key"] == "checkout-1"
    assert Order.objects.count() == 1
    assert StockMovement.objects.filter(kind=MovementKind.RESERVATION).count() == 1


def test_d01_the_key_on_the_order_answers_a_retry_after_redis_lost_it(
    user_client, user
):
    from django_redis import get_redis_connection

    cart = open_cart(user, (in_stock(), 1))
    first = checkout(user_client, cart, HTTP_IDEMPOTENCY_KEY='"quoted-key"')
    get_redis_connection("default").flushdb()

    again = checkout(user_client, cart, HTTP_IDEMPOTENCY_KEY='"quoted-key"')

    assert again.status_code == 201
    assert "Idempotent-Replayed" not in again
    assert again.json()["id"] == first.json()["id"]
    assert first.json()["idempotency_key"] == "quoted-key"
    assert Order.objects.count() == 1
    assert StockMovement.objects.filter(kind=MovementKind.RESERVATION).count() == 1


def test_d01_keys_are_unique_per_buyer_not_globally():
    buyers = [UserFactory(), UserFactory()]
    variant = in_stock()
    carts = [open_cart(buyer, (variant, 1)) for buyer in buyers]

    responses = [
        checkout(client_for(buyer), cart, HTTP_IDEMPOTENCY_KEY="same")
        for buyer, cart in zip(buyers, carts, strict=True)
    ]

    assert [r.status_code for r in responses] == [201, 201]
    assert Order.objects.count() == 2


def test_d02_checkout_notifies_the_seller_after_commit(
    user_client, user, django_capture_on_commit_callbacks
):
    variant = in_stock()
    cart = open_cart(user, (variant, 1))

    with django_capture_on_commit_callbacks(execute=True):
        response = checkout(user_client, cart)

    assert response.status_code == 201
    assert [m.to for m in mail.outbox] == [[variant.organization.owner.email]]


def test_d05_checkout_charges_the_current_price_not_a_future_one(user_client, user):
    variant = in_stock(price_cents=800)
    cart = open_cart(user, (variant, 2))
    PriceHistory.objects.create(
        variant=variant,
        amount_cents=9999,
        valid_from=timezone.now() + timezone.timedelta(hours=1),
    )

    response = checkout(user_client, cart)

    assert response.status_code == 201
    assert response.json()["total_cents"] == 1600
