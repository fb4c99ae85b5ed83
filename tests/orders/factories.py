import factory

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
