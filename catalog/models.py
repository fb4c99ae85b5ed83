from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models

from marketplace.models import TimestampedModel, UUIDModel
from orgs.models import Organization


class Product(TimestampedModel):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="products"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=5000)
    is_active = models.BooleanField(default=True)
    # P-08: ordered object keys under products/<id>/, at most 8.
    image_keys = ArrayField(models.CharField(max_length=300), default=list, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    # The catalog's `q`: full-text words of title and description, kept by
    # PostgreSQL itself. "simple" does no stemming, so it treats Portuguese and
    # English titles alike and never conflates different words.
    search_vector = models.GeneratedField(
        expression=SearchVector("title", "description", config="simple"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(image_keys__len__lte=8),
                name="product_at_most_8_images",
            ),
        ]
        indexes = [
            GinIndex(fields=["search_vector"], name="product_search_vector"),
            # The seller's product list: one organization, newest first.
            models.Index(fields=["organization", "-id"], name="product_org_newest"),
        ]

    def __str__(self) -> str:
        return self.title


class Variant(UUIDModel):
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="variants"
    )
    # Copied from the product so P-03 is a plain unique constraint.
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="variants"
    )
    sku = models.CharField(max_length=64)
    attributes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "sku"], name="variant_sku_per_org"
            ),
        ]

    def __str__(self) -> str:
        return self.sku


class PriceHistory(UUIDModel):
    """P-05: one row per price change; rows are never updated or deleted."""

    variant = models.ForeignKey(
        Variant, on_delete=models.CASCADE, related_name="prices"
    )
    amount_cents = models.BigIntegerField()
    currency = models.CharField(max_length=3, default="BRL")
    valid_from = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-valid_from", "-id"]
        verbose_name_plural = "price history"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_cents__gt=0), name="price_amount_positive"
            ),
        ]
        indexes = [
            models.Index(fields=["variant", "-valid_from", "-id"]),
            # The next scheduled price anywhere bounds how long a page is cached.
            models.Index(fields=["valid_from"], name="price_valid_from"),
        ]

    def __str__(self) -> str:
        return f"{self.variant_id}: {self.amount_cents} {self.currency}"
