import io

import pytest

from accounts.demo import BUYER_EMAILS
from inventory import demo as inventory_demo
from inventory.models import MovementKind, StockMovement
from inventory.selectors import stock_discrepancies
from orders import demo as orders_demo
from orders.models import Cart, CartStatus, Order, OrderStatus
from tests.accounts.factories import UserFactory
from tests.catalog.factories import ProductFactory, VariantFactory
from tests.inventory.factories import stock_in

pytestmark = pytest.mark.django_db


def test_stock_and_order_demos_write_every_kind_and_are_safe_to_rerun():
    for email in BUYER_EMAILS:
        UserFactory(email=email)
    for _ in range(2):
        first = VariantFactory()
        stock_in(first, 10)
        for _ in range(2):
            sibling = VariantFactory(
                product=ProductFactory(organization=first.organization)
            )
            stock_in(sibling, 10)

    for _ in range(2):
        inventory_demo.seed(stdout=io.StringIO())
        orders_demo.seed(stdout=io.StringIO())

    kinds = set(StockMovement.objects.values_list("kind", flat=True))
    assert kinds == {
        MovementKind.IN,
        MovementKind.OUT,
        MovementKind.ADJUST,
        MovementKind.RESERVATION,
    }
    assert Order.objects.filter(status=OrderStatus.PENDING).count() == 3
    assert Cart.objects.filter(status=CartStatus.OPEN).count() == 2
    assert StockMovement.objects.filter(kind=MovementKind.ADJUST).count() == 6
    assert stock_discrepancies() == []


def test_demos_without_products_do_nothing():
    out = io.StringIO()

    inventory_demo.seed(stdout=out)
    orders_demo.seed(stdout=out)

    assert not StockMovement.objects.exists()
    assert "skipped" in out.getvalue()
