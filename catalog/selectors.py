"""Reads on products, variants and prices.

Current prices (P-06), stock and review aggregates are computed by
PostgreSQL as subqueries of the page's own query, so a page costs the same
number of queries whatever its size.
"""

import functools
from typing import TYPE_CHECKING, TypeAlias, TypedDict
from uuid import UUID

from django.contrib.postgres.search import SearchQuery
from django.db.models import (
    Avg,
    Count,
    Exists,
    F,
    IntegerField,
    Min,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce, Now

from catalog.models import PriceHistory, Product, Variant
from marketplace.errors import NotFound
from orgs.models import Organization
from reviews.models import Review


class VariantPricing(TypedDict):
    """The fields `variants_priced` annotates on each variant."""

    price_cents: int | None
    currency: str | None
    available: int
    reserved: int


class CatalogFields(TypedDict):
    """The entry fields `catalog_products` annotates on each product."""

    price_from_cents: int
    currency: str
    rating_avg: float | None
    review_count: int


if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    PricedVariant: TypeAlias = WithAnnotations[Variant, VariantPricing]
    CatalogProduct: TypeAlias = WithAnnotations[Product, CatalogFields]
else:
    # django-stubs-ext is a development tool; at run time they are the models.
    PricedVariant = Variant
    CatalogProduct = Product


def price_current(field: str, variant_ref: str = "pk") -> Subquery:
    """P-06: a field of the latest price row whose `valid_from` has come."""
    return Subquery(
        PriceHistory.objects.filter(
            variant=OuterRef(variant_ref), valid_from__lte=Now()
        )
        .order_by("-valid_from", "-id")
        .values(field)[:1]
    )


def variants_priced() -> QuerySet[PricedVariant]:
    """Variants with their current price and their stock balance."""
    return Variant.objects.annotate(
        price_cents=price_current("amount_cents"),
        currency=price_current("currency"),
        available=Coalesce(F("balance__available"), 0),
        reserved=Coalesce(F("balance__reserved"), 0),
    ).order_by("id")


# --- Seller side -----------------------------------------------------------


def organization_products(*, organization: Organization) -> QuerySet[Product]:
    """The organization's products, inactive ones included, deleted ones not."""
    return Product.objects.filter(
        organization=organization, deleted_at__isnull=True
    ).prefetch_related(Prefetch("variants", queryset=variants_priced()))


def product_get(*, product_id: UUID) -> Product:
    """A product that is not deleted, with its priced variants, or NotFound."""
    product = (
        Product.objects.filter(
            pk=product_id,
            deleted_at__isnull=True,
            organization__deleted_at__isnull=True,
        )
        .prefetch_related(Prefetch("variants", queryset=variants_priced()))
        .first()
    )
    if product is None:
        raise NotFound()
    return product


def product_organization_id(*, product_id: UUID) -> UUID:
    """The owning organization of a live product, or NotFound."""
    organization_id = (
        Product.objects.filter(pk=product_id, deleted_at__isnull=True)
        .values_list("organization_id", flat=True)
        .first()
    )
    if organization_id is None:
        raise NotFound()
    return organization_id


def variant_get(*, variant_id: UUID) -> PricedVariant:
    """A variant of a live product, with its price and stock, or NotFound."""
    variant = (
        variants_priced()
        .filter(pk=variant_id, product__deleted_at__isnull=True)
        .first()
    )
    if variant is None:
        raise NotFound()
    return variant


def variant_prices(*, variant: Variant) -> QuerySet[PriceHistory]:
    """The variant's whole price history, scheduled prices included."""
    return PriceHistory.objects.filter(variant=variant)


def seconds_until_next_price() -> float | None:
    """Seconds until the earliest scheduled price anywhere takes effect.

    One index probe on `valid_from`; None when nothing is scheduled.
    """
    gap = PriceHistory.objects.filter(valid_from__gt=Now()).aggregate(
        gap=Min(F("valid_from") - Now())
    )["gap"]
    return None if gap is None else gap.total_seconds()


# --- Public catalog (P-07) -------------------------------------------------


def _variants_sellable() -> QuerySet[PricedVariant]:
    """Variants of the outer product with stock and a current price."""
    return variants_priced().filter(
        product=OuterRef("pk"), available__gt=0, price_cents__isnull=False
    )


def catalog_products() -> QuerySet[CatalogProduct]:
    """P-07: the products the public catalog shows, with their entry fields."""
    # Resolving these nested subqueries costs Django more than PostgreSQL
    # takes to run them, so the queryset is built once per process and
    # every caller gets a clone. It holds no Python-side values: "now" is
    # the database's statement time.
    return _catalog_products_base().all()


def catalog_entries() -> QuerySet[CatalogProduct]:
    """The catalog listing: only the columns an entry shows.

    Leaves out the description and the search vector, the widest columns.
    """
    return catalog_products().only(
        "id",
        "title",
        "image_keys",
        "created_at",
        "organization__id",
        "organization__name",
        "organization__slug",
    )


@functools.cache
def _catalog_products_base() -> QuerySet[CatalogProduct]:
    cheapest = _variants_sellable().order_by("price_cents", "id")
    reviews = Review.objects.filter(product=OuterRef("pk")).values("product")
    return (
        Product.objects.filter(
            is_active=True,
            deleted_at__isnull=True,
            organization__is_active=True,
            organization__deleted_at__isnull=True,
        )
        .filter(Exists(_variants_sellable()))
        .select_related("organization")
        .annotate(
            price_from_cents=Subquery(cheapest.values("price_cents")[:1]),
            currency=Subquery(cheapest.values("currency")[:1]),
            rating_avg=Subquery(reviews.annotate(avg=Avg("score")).values("avg")),
            review_count=Coalesce(
                Subquery(
                    reviews.annotate(count=Count("pk")).values("count"),
                    output_field=IntegerField(),
                ),
                0,
            ),
        )
    )


def catalog_products_filter(
    queryset: QuerySet[CatalogProduct],
    *,
    q: str | None = None,
    organization_slug: str | None = None,
    min_price_cents: int | None = None,
    max_price_cents: int | None = None,
) -> QuerySet[CatalogProduct]:
    """Apply the catalog's filters; `q` is full-text on title and description."""
    if q:
        query = SearchQuery(q, search_type="websearch", config="simple")
        queryset = queryset.filter(search_vector=query)
    if organization_slug:
        queryset = queryset.filter(organization__slug=organization_slug)
    if min_price_cents is not None:
        queryset = queryset.filter(price_from_cents__gte=min_price_cents)
    if max_price_cents is not None:
        queryset = queryset.filter(price_from_cents__lte=max_price_cents)
    return queryset


def catalog_product_get(*, product_id: UUID) -> CatalogProduct:
    """A product the catalog shows, with its priced variants, or NotFound.

    Variants with no current price yet (only a scheduled one) cannot be
    bought, so the public detail leaves them out.
    """
    variants = variants_priced().filter(price_cents__isnull=False)
    product = (
        catalog_products()
        .filter(pk=product_id)
        .prefetch_related(Prefetch("variants", queryset=variants))
        .first()
    )
    if product is None:
        raise NotFound()
    return product


def catalog_product_visible(*, product_id: UUID) -> bool:
    return catalog_products().filter(pk=product_id).exists()


def product_reviews(*, product_id: UUID) -> QuerySet[Review]:
    return Review.objects.filter(product_id=product_id).select_related("user")
