"""Checkouts raced by real clients, each thread on its own PostgreSQL connection."""

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from accounts import tokens
from inventory.models import MovementKind, StockBalance, StockMovement
from inventory.selectors import stock_discrepancies
from orders.models import Cart, CartStatus, Order
from orders.services.checkout import order_checkout
from tests.accounts.factories import UserFactory
from tests.catalog.factories import ProductFactory, VariantFactory
from tests.conftest import client_for
from tests.inventory.factories import stock_in
from tests.inventory.racing import race
from tests.orders.factories import open_cart

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _verify_stock_after_each_race():
    yield
    call_command("verify_stock")


ADDRESS = "Rua Augusta 500, São Paulo SP"


def checkout_call(client, cart, **extra):
    body = {"cart_id": str(cart.pk), "shipping_address": ADDRESS}
    return lambda: client.post("/orders", body, format="json", **extra)


def test_d05_buyers_racing_for_the_last_units_never_oversell():
    variant = VariantFactory()
    stock_in(variant, 3)
    buyers = [UserFactory() for _ in range(10)]
    carts = [open_cart(buyer, (variant, 1)) for buyer in buyers]
    calls = [
        checkout_call(client_for(buyer), cart)
        for buyer, cart in zip(buyers, carts, strict=True)
    ]

    responses = race(calls)

    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] * 3 + [409] * 7
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {
        "INSUFFICIENT_STOCK"
    }
    balance = StockBalance.objects.get(variant=variant)
    assert (balance.available, balance.reserved) == (0, 3)
    assert Order.objects.count() == 3
    assert Cart.objects.filter(status=CartStatus.CONVERTED).count() == 3
    assert Cart.objects.filter(status=CartStatus.OPEN).count() == 7
    assert stock_discrepancies() == []


def test_d01_identical_retries_with_one_key_make_one_order():
    buyer = UserFactory()
    variant = VariantFactory()
    stock_in(variant, 5)
    cart = open_cart(buyer, (variant, 2))
    # Retries of one client: same credentials, so the same idempotency scope.
    bearer = f"Bearer {tokens.token_pair_issue(user=buyer).access_token}"
    calls = [
        checkout_call(
            APIClient(HTTP_AUTHORIZATION=bearer),
            cart,
            HTTP_IDEMPOTENCY_KEY="pay-once",
        )
        for _ in range(8)
    ]

    responses = race(calls)

    created = [r for r in responses if r.status_code == 201]
    others = [r for r in responses if r.status_code != 201]
    assert created
    assert {r.json()["id"] for r in created} == {str(Order.objects.get().pk)}
    assert len([r for r in created if "Idempotent-Replayed" not in r]) == 1
    assert {r.status_code for r in others} <= {409}
    assert {r.json()["code"] for r in others} <= {"IDEMPOTENCY_IN_PROGRESS"}
    reservations = StockMovement.objects.filter(kind=MovementKind.RESERVATION)
    assert list(reservations.values_list("qty", flat=True)) == [2]
    assert stock_discrepancies() == []


def test_d01_the_order_key_holds_even_without_the_redis_guard():
    # Calling the service directly skips the middleware: only the database
    # (cart lock, unique key) stands between the retries.
    buyer = UserFactory()
    variant = VariantFactory()
    stock_in(variant, 5)
    cart = open_cart(buyer, (variant, 1))

    results = race(
        [
            lambda: order_checkout(
                buyer=buyer,
                cart_id=cart.pk,
                shipping_address=ADDRESS,
                idempotency_key="db-only",
            )
            for _ in range(6)
        ]
    )

    assert {getattr(result, "pk", result) for result in results} == {
        Order.objects.get().pk
    }
    assert StockMovement.objects.filter(kind=MovementKind.RESERVATION).count() == 1
    assert stock_discrepancies() == []


def test_d01_one_key_on_two_carts_at_once_places_one_order():
    buyer = UserFactory()
    first, second = VariantFactory(), VariantFactory()
    stock_in(first, 5)
    stock_in(second, 5)
    carts = [open_cart(buyer, (first, 1)), open_cart(buyer, (second, 1))]

    results = race(
        [
            lambda cart=cart: order_checkout(
                buyer=buyer,
                cart_id=cart.pk,
                shipping_address=ADDRESS,
                idempotency_key="shared",
            )
            for cart in carts
        ]
    )

    order = Order.objects.get()
    assert [result.pk for result in results] == [order.pk, order.pk]
    assert StockMovement.objects.filter(kind=MovementKind.RESERVATION).count() == 1
    assert stock_discrepancies() == []


@pytest.mark.parametrize("round_", range(3))
def test_d05_checkouts_locking_two_variants_in_opposite_order_do_not_deadlock(round_):
    a = VariantFactory()
    b = VariantFactory(product=ProductFactory(organization=a.organization))
    stock_in(a, 10)
    stock_in(b, 10)
    pairs = []
    for lines in [((a, 1), (b, 1)), ((b, 1), (a, 1))] * 3:
        buyer = UserFactory()
        pairs.append((client_for(buyer), open_cart(buyer, *lines)))

    responses = race([checkout_call(client, cart) for client, cart in pairs])

    assert [r.status_code for r in responses] == [201] * 6
    assert set(Cart.objects.values_list("status", flat=True)) == {CartStatus.CONVERTED}
    balances = StockBalance.objects.filter(variant__in=[a, b])
    assert {(x.available, x.reserved) for x in balances} == {(4, 6)}
    assert stock_discrepancies() == []
