"""Reads on reviews."""

from uuid import UUID

from django.db.models import QuerySet

from accounts.models import User
from catalog.models import Variant
from marketplace.errors import NotFound
from orders.models import OrderItem, OrderStatus
from reviews.models import Review


def variant_public_get(*, variant_id: UUID) -> Variant:
    """Return a variant the public may see, or raise NotFound.

    Its product must be active and not deleted, of an active organization
    that is not deleted, as in the public catalog.
    """
    variant = (
        Variant.objects.select_related("product")
        .filter(
            pk=variant_id,
            product__is_active=True,
            product__deleted_at__isnull=True,
            organization__is_active=True,
            organization__deleted_at__isnull=True,
        )
        .first()
    )
    if variant is None:
        raise NotFound()
    return variant


def user_received_variant(*, user: User, variant: Variant) -> bool:
    """R-01: whether the user has a DELIVERED order containing the variant."""
    return OrderItem.objects.filter(
        order__buyer=user, order__status=OrderStatus.DELIVERED, variant=variant
    ).exists()


def reviews_of_variant(*, variant: Variant) -> QuerySet[Review]:
    """The variant's reviews, newest first, with what their shape needs."""
    return Review.objects.filter(variant=variant).select_related("user")


def review_get(*, review_id: UUID) -> Review:
    review = Review.objects.filter(pk=review_id).first()
    if review is None:
        raise NotFound()
    return review
