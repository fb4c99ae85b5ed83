"""reviews.demo: every order status with its history, reviews, safe to rerun."""

import io

import pytest

from accounts import demo as accounts_demo
from accounts.models import User
from inventory.selectors import stock_discrepancies
from orders.models import Order, OrderStatus, OrderTransition
from reviews import demo
from reviews.models import Review
from tests.catalog.factories import VariantFactory
from tests.inventory.factories import stock_in
from tests.orders.lifecycle_factories import pending_order

pytestmark = pytest.mark.django_db


def test_demo_walks_orders_through_every_state_and_reviews_delivered_ones():
    accounts_demo.seed(stdout=io.StringIO())
    variant = VariantFactory()
    stock_in(variant, 100)
    # One order as the orders demo would have placed it.
    pending_order(buyer=User.objects.get(email=accounts_demo.BUYER_EMAILS[0]))

    demo.seed(stdout=io.StringIO())
    statuses = list(Order.objects.order_by("id").values_list("status", flat=True))
    history = OrderTransition.objects.count()
    reviews = Review.objects.count()
    demo.seed(stdout=io.StringIO())

    assert set(statuses) == set(OrderStatus.values)
    assert list(Order.objects.order_by("id").values_list("status", flat=True)) == (
        statuses
    )
    assert OrderTransition.objects.count() == history
    assert len(statuses) == 1 + len(demo.PATHS)
    assert Review.objects.count() == reviews >= 2
    assert stock_discrepancies() == []
