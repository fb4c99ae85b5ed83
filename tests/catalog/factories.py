import factory
from django.utils import timezone

from catalog.models import PriceHistory, Product, Variant
from tests.inventory.factories import stock_in
from tests.orgs.factories import MembershipFactory, OrganizationFactory


class ProductFactory(factory.django.DjangoModelFactory[Product]):
    class Meta:
        model = Product

    organization = factory.SubFactory(OrganizationFactory)
    title = factory.Sequence(lambda n: f"Product {n}")
    description = factory.Faker("sentence")


class VariantFactory(factory.django.DjangoModelFactory[Variant]):
    """A variant with a current price; stock is added through the ledger."""

    class Meta:
        model = Variant
        skip_postgeneration_save = True

    product = factory.SubFactory(ProductFactory)
    organization = factory.SelfAttribute("product.organization")
    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    attributes = factory.LazyFunction(lambda: {"color": "black"})

    @factory.post_generation
    def price_cents(obj, create, extracted, **kwargs):
        if create:
            PriceHistory.objects.create(
                variant=obj,
                amount_cents=extracted or 1000,
                currency="BRL",
                valid_from=timezone.now(),
            )


def member_of(organization, role: str):
    """A user with a membership of this role in the organization."""
    return MembershipFactory(organization=organization, role=role).user


def sellable_product(*, price_cents: int = 1000, stock: int = 5, **kwargs) -> Product:
    """A product the public catalog shows: one variant, priced, in stock."""
    variant = VariantFactory(price_cents=price_cents, **kwargs)
    if stock:
        stock_in(variant, stock)
    return variant.product
