"""Cart writes (C-01..C-04).

Every change to a cart locks the cart row first, so changes to one cart, and
its checkout, happen one at a time. Stock is only checked here, never held:
the hold is taken at checkout (D-05).
"""

import logging
from datetime import datetime
from uuid import UUID

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from catalog.models import PriceHistory, Variant
from inventory.exceptions import InsufficientStock
from inventory.models import StockBalance
from marketplace.errors import NotFound
from orders.exceptions import CartNotOpen, ProductUnavailable
from orders.models import Cart, CartItem, CartStatus
from orders.selectors import (
    CART_LIFETIME,
    cart_is_stale,
    cart_with_items,
    prices_current,
)
from orgs.models import Organization

logger = logging.getLogger(__name__)

# A concurrent request may create the OPEN cart between our read and our
# insert; one more read then finds it.
_OPEN_CART_ATTEMPTS = 3


def cart_item_add(*, buyer: User, variant_id: UUID, qty: int) -> Cart:
    """Put `qty` of the variant into the buyer's OPEN cart of its organization.

    The cart is created when there is none (C-01); a variant already in it
    has its quantity raised and keeps its price snapshot (C-03). The
    resulting quantity must be available (C-02).
    """
    variant = _variant_for_sale(variant_id=variant_id)
    price = _price_current(variant=variant)

    with transaction.atomic():
        cart = _open_cart_lock(buyer=buyer, organization=variant.organization)
        item = cart.items.filter(variant=variant).first()
        wanted = qty + (item.qty if item else 0)
        _stock_check(variant_id=variant.pk, qty=wanted)

        if item is None:
            CartItem.objects.create(
                cart=cart,
                variant=variant,
                qty=wanted,
                price_snapshot_cents=price.amount_cents,
            )
        else:
            item.qty = wanted
            item.save(update_fields=["qty"])
        _touch(cart)

    logger.info(
        "Cart %s: variant %s now %s",
        cart.pk,
        variant.pk,
        wanted,
        extra={"cart_id": str(cart.pk), "variant_id": str(variant.pk)},
    )
    return cart_with_items(cart_id=cart.pk)


def cart_item_update(*, buyer: User, item_id: UUID, qty: int) -> Cart:
    """Set an item's quantity; raising it checks the product and stock (C-02)."""
    with transaction.atomic():
        cart, item = _item_lock(buyer=buyer, item_id=item_id)
        if qty > item.qty:
            variant = _variant_for_sale(variant_id=item.variant_id)
            _stock_check(variant_id=variant.pk, qty=qty)

        item.qty = qty
        item.save(update_fields=["qty"])
        _touch(cart)
    return cart_with_items(cart_id=cart.pk)


def cart_item_remove(*, buyer: User, item_id: UUID) -> None:
    """Remove an item; the cart stays OPEN even when it becomes empty."""
    with transaction.atomic():
        cart, item = _item_lock(buyer=buyer, item_id=item_id)
        item.delete()
        _touch(cart)


def carts_expire(*, now: datetime | None = None) -> int:
    """Mark OPEN carts untouched for 24 h as EXPIRED (C-04); return how many.

    One UPDATE: PostgreSQL re-checks the condition on a row a concurrent
    change is holding, so a cart touched meanwhile stays OPEN.
    """
    cutoff = (now or timezone.now()) - CART_LIFETIME
    expired = Cart.objects.filter(
        status=CartStatus.OPEN, updated_at__lte=cutoff
    ).update(status=CartStatus.EXPIRED)
    if expired:
        logger.info("Expired %s idle carts", expired, extra={"count": expired})
    return expired


def variant_is_for_sale(variant: Variant) -> bool:
    """Whether buyers may add or buy the variant (needs product, organization)."""
    product = variant.product
    organization = variant.organization
    return (
        product.is_active
        and product.deleted_at is None
        and organization.is_active
        and organization.deleted_at is None
    )


def _variant_for_sale(*, variant_id: UUID) -> Variant:
    variant = (
        Variant.objects.select_related("product", "organization")
        .filter(pk=variant_id)
        .first()
    )
    if variant is None:
        raise NotFound()
    if not variant_is_for_sale(variant):
        raise ProductUnavailable(variant_id=str(variant.pk))
    return variant


def _price_current(*, variant: Variant) -> PriceHistory:
    price = prices_current(variant_ids=[variant.pk]).get(variant.pk)
    if price is None:
        # Only a price scheduled for later: not on sale yet.
        raise ProductUnavailable(variant_id=str(variant.pk))
    return price


def _stock_check(*, variant_id: UUID, qty: int) -> None:
    available = (
        StockBalance.objects.filter(variant_id=variant_id)
        .values_list("available", flat=True)
        .first()
    ) or 0
    if qty > available:
        raise InsufficientStock(
            variant_id=variant_id, requested=qty, available=available
        )


def _open_cart_lock(*, buyer: User, organization: Organization) -> Cart:
    """Lock the buyer's OPEN cart of the organization, creating it if needed.

    A cart past its 24 h is expired on the spot (C-04) and replaced.
    """
    for _ in range(_OPEN_CART_ATTEMPTS):
        cart = (
            Cart.objects.select_for_update(of=("self",))
            .filter(buyer=buyer, organization=organization, status=CartStatus.OPEN)
            .first()
        )
        if cart is not None and not cart_is_stale(cart):
            return cart
        if cart is not None:
            cart.status = CartStatus.EXPIRED
            cart.save(update_fields=["status"])

        try:
            with transaction.atomic():
                return Cart.objects.create(
                    buyer=buyer,
                    organization=organization,
                    currency=organization.currency,
                )
        except IntegrityError:
            # Another request created it (C-01's unique constraint); read it.
            continue
    raise RuntimeError("Could not find or create the OPEN cart.")


def _item_lock(*, buyer: User, item_id: UUID) -> tuple[Cart, CartItem]:
    """Lock the cart holding the buyer's item; it must still be OPEN."""
    cart = (
        Cart.objects.select_for_update(of=("self",))
        .filter(
            buyer=buyer,
            items__pk=item_id,
            organization__deleted_at__isnull=True,
        )
        .first()
    )
    item = CartItem.objects.filter(pk=item_id, cart=cart).first() if cart else None
    if cart is None or item is None:
        raise NotFound()
    check_cart_open(cart)
    return cart, item


def check_cart_open(cart: Cart) -> None:
    """Refuse a cart that is no longer OPEN, or whose 24 h are over (C-04)."""
    status = cart.status
    if status == CartStatus.OPEN and cart_is_stale(cart):
        status = CartStatus.EXPIRED
    if status != CartStatus.OPEN:
        raise CartNotOpen(cart_id=str(cart.pk), status=status)


def _touch(cart: Cart) -> None:
    # C-04 counts idleness from updated_at.
    cart.save(update_fields=["updated_at"])
