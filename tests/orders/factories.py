import factory

from catalog.models import Variant
from orders.models import Cart, CartItem
from tests.accounts.factories import UserFactory
from tests.orgs.factories import OrganizationFactory


class CartFactory(factory.django.DjangoModelFactory[Cart]):
    class Meta:
        model = Cart

    buyer = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)


class CartItemFactory(factory.django.DjangoModelFactory[CartItem]):
    class Meta:
        model = CartItem

    cart = factory.SubFactory(CartFactory)
    variant = factory.SubFactory(
        "tests.catalog.factories.VariantFactory",
        product__organization=factory.SelfAttribute("...cart.organization"),
    )
    qty = 1
    price_snapshot_cents = 1000


def open_cart(buyer, *lines: tuple[Variant, int]) -> Cart:
    """An OPEN cart of the variants' organization, snapshots at current prices."""
    organization = lines[0][0].organization
    cart = CartFactory(buyer=buyer, organization=organization)
    for variant, qty in lines:
        price = variant.prices.order_by("-valid_from", "-id").first()
        CartItemFactory(
            cart=cart, variant=variant, qty=qty, price_snapshot_cents=price.amount_cents
        )
    return cart
