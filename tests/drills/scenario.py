"""Data a drill starts from, written in a Django shell of the drill's settings.

Each function prints one JSON line the drill reads back: the ids it needs
and access tokens for the users that will drive the load.
"""

import json

from accounts import tokens
from orders.services.checkout import order_checkout
from tests.accounts.factories import UserFactory
from tests.catalog.factories import sellable_product
from tests.orders.factories import open_cart
from tests.orgs.factories import OrganizationFactory


def _token(user) -> str:
    return tokens.token_pair_issue(user=user).access_token


def shop_seed(*, buyers: int, stock: int) -> None:
    """One seller with one variant in stock and `buyers` buyers."""
    organization = OrganizationFactory()
    variant = sellable_product(
        stock=stock, product__organization=organization
    ).variants.get()
    people = UserFactory.create_batch(buyers)
    print(
        json.dumps(
            {
                "organization_id": str(organization.pk),
                "owner_token": _token(organization.owner),
                "variant_id": str(variant.pk),
                "buyer_tokens": [_token(buyer) for buyer in people],
            }
        )
    )


def pending_orders_seed(*, orders: int, buyers: int = 5) -> None:
    """A seller with `orders` PENDING orders of two items each, spread over buyers."""
    organization = OrganizationFactory()
    first = sellable_product(
        stock=orders, product__organization=organization
    ).variants.get()
    second = sellable_product(
        stock=2 * orders, product__organization=organization
    ).variants.get()
    people = UserFactory.create_batch(buyers)
    for number in range(orders):
        buyer = people[number % buyers]
        cart = open_cart(buyer, (first, 1), (second, 2))
        order_checkout(buyer=buyer, cart_id=cart.pk, shipping_address="Rua A, 1")
    print(
        json.dumps(
            {
                "organization_id": str(organization.pk),
                "owner_token": _token(organization.owner),
            }
        )
    )
