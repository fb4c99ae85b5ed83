"""Writes on products, variants, prices and images (P-01..P-09).

Every write schedules `catalog_changed` on commit, so cached catalog pages
never outlive the data they were built from.
"""

import functools
import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import NoReturn

from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from accounts.models import User
from catalog import images
from catalog.cache import catalog_changed
from catalog.exceptions import ImageLimitReached, SkuTaken
from catalog.models import PriceHistory, Product, Variant
from inventory.models import MovementKind, StockBalance
from inventory.services import Movement, stock_movements_record
from marketplace.errors import NotFound
from marketplace.ids import uuid7
from orgs.models import Organization

logger = logging.getLogger(__name__)

SKU_CONSTRAINT = "variant_sku_per_org"
INITIAL_STOCK_REASON = "initial stock"


@dataclass(frozen=True)
class VariantInput:
    sku: str
    price_cents: int
    attributes: dict[str, str] = field(default_factory=dict)
    currency: str | None = None
    initial_stock: int = 0


def product_create(
    *,
    organization: Organization,
    user: User,
    title: str,
    description: str = "",
    is_active: bool = True,
    variants: Sequence[VariantInput],
) -> Product:
    """Create a product with its variants, first prices and initial stock.

    One transaction: a SKU clash or a failure anywhere leaves nothing behind.
    """
    if not variants:
        raise ValidationError({"variants": ["A product needs at least one variant."]})
    _skus_distinct(variants)

    try:
        with transaction.atomic():
            product = Product.objects.create(
                organization=organization,
                title=title,
                description=description,
                is_active=is_active,
            )
            _variants_add(product=product, user=user, variants=variants)
    except IntegrityError as error:
        _raise_if_sku_clash(error, organization=organization, variants=variants)
        raise

    transaction.on_commit(catalog_changed)
    logger.info(
        "Product %s created with %s variants",
        product.pk,
        len(variants),
        extra={"product_id": str(product.pk), "organization_id": str(organization.pk)},
    )
    return product


def product_update(
    *,
    product: Product,
    title: str | None = None,
    description: str | None = None,
    is_active: bool | None = None,
) -> Product:
    """Change a product's title, description or activity."""
    changes = {
        name: value
        for name, value in [
            ("title", title),
            ("description", description),
            ("is_active", is_active),
        ]
        if value is not None
    }
    for name, value in changes.items():
        setattr(product, name, value)
    product.save(update_fields=[*changes, "updated_at"])

    transaction.on_commit(catalog_changed)
    return product


def product_delete(*, product: Product) -> None:
    """Soft-delete: the product disappears everywhere, its history stays."""
    product.deleted_at = timezone.now()
    product.save(update_fields=["deleted_at", "updated_at"])

    transaction.on_commit(catalog_changed)
    logger.info("Product %s deleted", product.pk, extra={"product_id": str(product.pk)})


def variant_create(*, product: Product, user: User, variant: VariantInput) -> Variant:
    """Add a variant with its first price and initial stock, in one transaction."""
    try:
        with transaction.atomic():
            (created,) = _variants_add(product=product, user=user, variants=[variant])
    except IntegrityError as error:
        _raise_if_sku_clash(
            error, organization=product.organization, variants=[variant]
        )
        raise

    transaction.on_commit(catalog_changed)
    return created


def variant_update(*, variant: Variant, attributes: dict[str, str]) -> Variant:
    """P-04: replace the variant's attributes; SKU and price change elsewhere."""
    variant.attributes = attributes
    variant.save(update_fields=["attributes"])

    transaction.on_commit(catalog_changed)
    return variant


def price_add(
    *,
    variant: Variant,
    amount_cents: int,
    currency: str | None = None,
    valid_from: datetime | None = None,
) -> PriceHistory:
    """P-05: append a price, effective now or at a future `valid_from`."""
    now = timezone.now()
    if valid_from is not None and valid_from < now:
        raise ValidationError({"valid_from": ["A price cannot start in the past."]})

    price = PriceHistory.objects.create(
        variant=variant,
        amount_cents=amount_cents,
        currency=currency or variant.organization.currency,
        valid_from=valid_from or now,
    )

    transaction.on_commit(catalog_changed)
    logger.info(
        "Price %s for variant %s from %s",
        amount_cents,
        variant.pk,
        price.valid_from.isoformat(),
        extra={"variant_id": str(variant.pk), "price_id": str(price.pk)},
    )
    return price


def image_upload_presign(*, product: Product, content_type: str) -> images.UploadTicket:
    """P-09: a presigned PUT for a new object under the product's prefix."""
    key = images.image_key_new(product_id=product.pk, content_type=content_type)
    return images.upload_presign(key=key, content_type=content_type)


def product_images_set(*, product: Product, image_keys: list[str]) -> Product:
    """Set the product's ordered image list, checking each new object.

    Objects dropped from the list are deleted from storage after commit.
    """
    if len(image_keys) > images.MAX_IMAGES:
        raise ImageLimitReached(limit=images.MAX_IMAGES, requested=len(image_keys))
    if len(set(image_keys)) != len(image_keys):
        raise ValidationError({"image_keys": ["The same key appears twice."]})

    # Storage is asked before the row is locked, so no lock waits on the
    # network; a key attached meanwhile by another request was checked by it.
    checked = {key for key in image_keys if key not in product.image_keys}
    for key in checked:
        _image_check(product=product, key=key)

    with transaction.atomic():
        locked = Product.objects.select_for_update(of=("self",)).get(pk=product.pk)
        for key in image_keys:
            if key not in locked.image_keys and key not in checked:
                _image_check(product=locked, key=key)
        dropped = [key for key in locked.image_keys if key not in image_keys]
        locked.image_keys = image_keys
        locked.save(update_fields=["image_keys", "updated_at"])

    for key in dropped:
        transaction.on_commit(
            functools.partial(images.object_delete, key=key), robust=True
        )
    transaction.on_commit(catalog_changed)
    logger.info(
        "Product %s now has %s images",
        product.pk,
        len(image_keys),
        extra={"product_id": str(product.pk), "dropped": dropped},
    )
    product.image_keys = locked.image_keys
    return product


def product_image_remove(*, product: Product, key: str) -> None:
    """Take one image off the product and delete its object after commit."""
    with transaction.atomic():
        locked = Product.objects.select_for_update(of=("self",)).get(pk=product.pk)
        if key not in locked.image_keys:
            raise NotFound()
        locked.image_keys = [kept for kept in locked.image_keys if kept != key]
        locked.save(update_fields=["image_keys", "updated_at"])

    transaction.on_commit(lambda: images.object_delete(key=key), robust=True)
    transaction.on_commit(catalog_changed)
    logger.info(
        "Image %s removed from product %s",
        key,
        product.pk,
        extra={"product_id": str(product.pk), "key": key},
    )
    product.image_keys = locked.image_keys


def _image_check(*, product: Product, key: str) -> None:
    """P-09: the key is this product's, and its object is an image under 5 MiB."""
    if not images.image_key_belongs(key=key, product_id=product.pk):
        _image_refuse(key, "is not an upload key of this product.")
    stored = images.object_inspect(key=key)
    if stored is None:
        _image_refuse(key, "was not uploaded.")
    if stored.size >= images.MAX_IMAGE_BYTES:
        _image_refuse(key, "is 5 MiB or larger.")
    sniffed = images.sniffed_content_type(stored.head_bytes)
    if stored.content_type not in images.CONTENT_TYPES or sniffed is None:
        _image_refuse(key, "is not a JPEG, PNG or WebP image.")


def _image_refuse(key: str, reason: str) -> NoReturn:
    logger.info("Image refused: %s %s", key, reason, extra={"key": key})
    raise ValidationError({"image_keys": [f"{key} {reason}"]})


def _variants_add(
    *, product: Product, user: User, variants: Sequence[VariantInput]
) -> list[Variant]:
    """Insert variants, their first prices, balances and initial IN movements."""
    now = timezone.now()
    # UUIDv7s made within one millisecond are not ordered; sorting them keeps
    # the variants in the order the request listed them.
    ids = sorted(uuid7() for _ in variants)
    created = Variant.objects.bulk_create(
        [
            Variant(
                id=variant_id,
                product=product,
                organization_id=product.organization_id,
                sku=variant.sku,
                attributes=variant.attributes,
            )
            for variant_id, variant in zip(ids, variants, strict=True)
        ]
    )
    PriceHistory.objects.bulk_create(
        [
            PriceHistory(
                variant=row,
                amount_cents=variant.price_cents,
                currency=variant.currency or product.organization.currency,
                valid_from=now,
            )
            for row, variant in zip(created, variants, strict=True)
        ]
    )
    StockBalance.objects.bulk_create([StockBalance(variant=row) for row in created])

    movements = [
        Movement(row.pk, MovementKind.IN, variant.initial_stock, INITIAL_STOCK_REASON)
        for row, variant in zip(created, variants, strict=True)
        if variant.initial_stock > 0
    ]
    if movements:
        stock_movements_record(movements=movements, user=user)
    return created


def _skus_distinct(variants: Sequence[VariantInput]) -> None:
    counts = Counter(variant.sku for variant in variants)
    repeated = sorted(sku for sku, count in counts.items() if count > 1)
    if repeated:
        raise SkuTaken("The same SKU appears twice in the request.", skus=repeated)


def _raise_if_sku_clash(
    error: IntegrityError,
    *,
    organization: Organization,
    variants: Sequence[VariantInput],
) -> None:
    diagnostics = getattr(error.__cause__, "diag", None)
    constraint = getattr(diagnostics, "constraint_name", None)
    if constraint != SKU_CONSTRAINT:
        return
    taken = sorted(
        Variant.objects.filter(
            organization=organization, sku__in=[v.sku for v in variants]
        ).values_list("sku", flat=True)
    )
    logger.info(
        "SKU clash in organization %s: %s",
        organization.pk,
        taken,
        extra={"organization_id": str(organization.pk)},
    )
    raise SkuTaken(skus=taken) from error
