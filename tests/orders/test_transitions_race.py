"""D-04 under concurrency: racing transitions on one order, one winner, one 409."""

import threading

import pytest
from django.db import connection
from django.urls import reverse

from inventory.models import StockBalance, StockMovement
from inventory.selectors import stock_discrepancies
from orders.models import Order, OrderStatus, OrderTransition
from tests.catalog.factories import VariantFactory
from tests.conftest import client_for
from tests.inventory.factories import stock_in
from tests.orders.lifecycle_factories import pending_order

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.concurrency]

S = OrderStatus


def race(*calls) -> list[tuple[int, dict]]:
    """Run each (client, url[, body]) POST at the same moment in its own thread."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index: int, client, url: str, body: dict | None = None) -> None:
        try:
            barrier.wait(timeout=10)
            response = client.post(url, body or {}, format="json")
            results[index] = (response.status_code, response.json())
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(index, *call))
        for index, call in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert all(not thread.is_alive() for thread in threads)
    return results


def url(order, action: str) -> str:
    return reverse(f"order-{action}", kwargs={"order_id": order.pk})


@pytest.fixture
def variant():
    variant = VariantFactory()
    stock_in(variant, 10)
    return variant


def test_d04_two_racing_cancels_yield_one_success_and_one_409(variant):
    order = pending_order(lines=[(variant, 4)])
    buyer = order.buyer

    results = race(
        (client_for(buyer), url(order, "cancel")),
        (client_for(buyer), url(order, "cancel")),
    )

    assert sorted(status for status, _ in results) == [200, 409]
    refused = next(body for status, body in results if status == 409)
    assert refused["code"] == "INVALID_TRANSITION"
    balance = StockBalance.objects.get(variant=variant)
    assert (balance.available, balance.reserved) == (10, 0)
    assert StockMovement.objects.filter(ref_id=str(order.pk)).count() == 2
    assert OrderTransition.objects.filter(order=order).count() == 2
    assert stock_discrepancies() == []


def test_d04_two_racing_mark_paid_take_the_stock_out_once(variant):
    order = pending_order(lines=[(variant, 4)])
    owner = order.organization.owner

    results = race(
        (client_for(owner), url(order, "mark-paid")),
        (client_for(owner), url(order, "mark-paid")),
    )

    assert sorted(status for status, _ in results) == [200, 409]
    balance = StockBalance.objects.get(variant=variant)
    assert (balance.available, balance.reserved) == (6, 0)
    assert StockMovement.objects.filter(ref_id=str(order.pk), kind="OUT").count() == 1
    assert stock_discrepancies() == []


def test_d04_ship_racing_cancel_yields_exactly_one_outcome(variant):
    order = pending_order(lines=[(variant, 4)])
    owner = order.organization.owner
    client_for(owner).post(url(order, "mark-paid"), {}, format="json")

    results = race(
        (client_for(owner), url(order, "ship"), {"tracking_code": "BR1"}),
        (client_for(order.buyer), url(order, "cancel")),
    )

    assert sorted(status for status, _ in results) == [200, 409]
    order.refresh_from_db()
    balance = StockBalance.objects.get(variant=variant)
    if results[0][0] == 200:
        assert order.status == S.SHIPPED
        assert (balance.available, balance.reserved) == (6, 0)
    else:
        assert order.status == S.CANCELLED
        assert (balance.available, balance.reserved) == (10, 0)
    assert OrderTransition.objects.filter(order=order).count() == 3
    assert stock_discrepancies() == []


def test_d05_transitions_of_orders_sharing_variants_do_not_deadlock(variant):
    other = VariantFactory(product__organization=variant.organization)
    stock_in(other, 10)
    first = pending_order(lines=[(variant, 1), (other, 1)])
    second = pending_order(lines=[(other, 2), (variant, 2)])
    owner = variant.organization.owner

    results = race(
        (client_for(owner), url(first, "mark-paid")),
        (client_for(second.buyer), url(second, "cancel")),
        (client_for(first.buyer), url(first, "cancel")),
        (client_for(owner), url(second, "mark-paid")),
    )

    # A cancel always wins (from PENDING or from PAID); a mark-paid only
    # when it comes first.
    assert [status for status, _ in results][1:3] == [200, 200]
    assert {status for status, _ in results} <= {200, 409}
    assert set(Order.objects.values_list("status", flat=True)) == {S.CANCELLED}
    for balance in StockBalance.objects.filter(variant__in=[variant, other]):
        assert (balance.available, balance.reserved) == (10, 0)
    assert stock_discrepancies() == []
