"""Writes on reviews (R-01..R-03)."""

import logging

from django.db import IntegrityError, transaction

from accounts.models import User
from catalog.cache import catalog_changed
from catalog.models import Variant
from reviews.exceptions import AlreadyReviewed, ReviewNotAllowed
from reviews.models import Review
from reviews.selectors import user_received_variant

logger = logging.getLogger(__name__)


def review_create(*, user: User, variant: Variant, score: int, comment: str) -> Review:
    """Review a variant the user received, once (R-01, R-02).

    `score` is already known to be 1..5 (R-03); the database checks it too.
    """
    if not user_received_variant(user=user, variant=variant):
        logger.info(
            "Review refused: user %s has no delivered order of variant %s",
            user.pk,
            variant.pk,
            extra={"user_id": str(user.pk), "variant_id": str(variant.pk)},
        )
        raise ReviewNotAllowed(variant_id=str(variant.pk))
    if Review.objects.filter(user=user, variant=variant).exists():
        raise AlreadyReviewed(variant_id=str(variant.pk))

    try:
        # The savepoint keeps a caller's transaction usable after a lost race.
        with transaction.atomic():
            review = Review.objects.create(
                user=user,
                variant=variant,
                product_id=variant.product_id,
                score=score,
                comment=comment,
            )
            # rating_avg and review_count show in the catalog.
            transaction.on_commit(catalog_changed)
    except IntegrityError:
        # A concurrent request by the same user won the unique constraint.
        raise AlreadyReviewed(variant_id=str(variant.pk)) from None

    logger.info(
        "Review %s of variant %s by user %s",
        review.pk,
        variant.pk,
        user.pk,
        extra={"review_id": str(review.pk), "variant_id": str(variant.pk)},
    )
    return review


def review_delete(*, review: Review) -> None:
    """Delete a review; callers check it is the author's (or staff's, in admin)."""
    review_id = review.pk
    with transaction.atomic():
        review.delete()
        transaction.on_commit(catalog_changed)
    logger.info("Review %s deleted", review_id, extra={"review_id": str(review_id)})
