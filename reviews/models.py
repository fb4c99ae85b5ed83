from django.conf import settings
from django.db import models

from catalog.models import Product, Variant
from marketplace.models import UUIDModel


class Review(UUIDModel):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews"
    )
    variant = models.ForeignKey(
        Variant, on_delete=models.CASCADE, related_name="reviews"
    )
    # Copied from the variant so the catalog aggregates per product in SQL.
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="reviews"
    )
    score = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            # once per user and variant.
            models.UniqueConstraint(
                fields=["user", "variant"], name="review_once_per_variant"
            ),
            #
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5),
                name="review_score_1_to_5",
            ),
        ]
        indexes = [models.Index(fields=["product", "score"])]

    def __str__(self) -> str:
        return f"{self.score}/5 by {self.user_id} on {self.variant_id}"
