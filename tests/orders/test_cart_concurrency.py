import pytest
from rest_framework.test import APIClient

from accounts import tokens
from orders.models import Cart, CartItem
from tests.accounts.factories import UserFactory
from tests.catalog.factories import ProductFactory, VariantFactory
from tests.inventory.factories import stock_in
from tests.inventory.racing import race

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


def test_c01_concurrent_adds_share_one_open_cart_and_one_item():
    buyer = UserFactory()
    a = VariantFactory()
    b = VariantFactory(product=ProductFactory(organization=a.organization))
    stock_in(a, 100)
    stock_in(b, 100)
    bearer = f"Bearer {tokens.token_pair_issue(user=buyer).access_token}"

    def add(variant):
        client = APIClient(HTTP_AUTHORIZATION=bearer)
        body = {"variant_id": str(variant.pk), "qty": 1}
        return lambda: client.post("/cart/items", body, format="json")

    responses = race([add(a) for _ in range(6)] + [add(b) for _ in range(2)])

    assert [r.status_code for r in responses] == [201] * 8
    cart = Cart.objects.get(buyer=buyer)
    assert {r.json()["id"] for r in responses} == {str(cart.pk)}
    quantities = dict(CartItem.objects.values_list("variant_id", "qty"))
    assert quantities == {a.pk: 6, b.pk: 2}
