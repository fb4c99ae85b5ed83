"""Checkout (D-01, D-02, D-05): one OPEN cart becomes one PENDING order.

The cart row is locked first, then the balances of its variants in variant-id
order (by the ledger service), so two checkouts never wait on each other in a
cycle. Stock reservation, the order and the cart's conversion commit together
or not at all.
"""

import logging
from dataclasses import dataclass
from uuid import UUID

from django.db import IntegrityError, transaction

from accounts.models import User
from catalog.models import PriceHistory
from inventory.models import MovementKind
from inventory.services import Movement, stock_movements_record
from marketplace.errors import DomainError, NotFound
from marketplace.ids import uuid7
from marketplace.tasks import enqueue_on_commit
from orders.exceptions import CartEmpty, PriceChanged, ProductUnavailable
from orders.metrics import CHECKOUTS_REFUSED
from orders.models import (
    Cart,
    CartItem,
    CartStatus,
    Order,
    OrderItem,
    OrderStatus,
    OrderTransition,
)
from orders.notifications import order_placed_notify
from orders.selectors import prices_current
from orders.services.cart import check_cart_open, variant_is_for_sale

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class _PriceChange:
    variant_id: UUID
    snapshot_cents: int
    current_cents: int


def order_checkout(
    *,
    buyer: User,
    cart_id: UUID,
    shipping_address: str,
    idempotency_key: str | None = None,
) -> Order:
    """Turn the buyer's OPEN cart into a PENDING order holding its stock.

    With an idempotency key, an order the buyer already placed with it is
    returned instead of placing another (D-01), even when the first attempt
    is still committing. A stale price snapshot refreshes the cart's
    snapshots, commits that, and raises PriceChanged; nothing else is
    written then.
    """
    try:
        return _checkout(
            buyer=buyer,
            cart_id=cart_id,
            shipping_address=shipping_address,
            idempotency_key=idempotency_key,
        )
    except DomainError as refusal:
        CHECKOUTS_REFUSED.labels(reason=refusal.code).inc()
        logger.info(
            "Checkout of cart %s refused: %s",
            cart_id,
            refusal.code,
            extra={"cart_id": str(cart_id), "buyer_id": str(buyer.pk)},
        )
        raise
    except IntegrityError:
        # The unique (buyer, idempotency_key) lost a race to a checkout of
        # another cart with the same key; that order is the answer.
        existing = _order_by_key(buyer=buyer, idempotency_key=idempotency_key)
        if existing is None:
            raise
        return existing


def _checkout(
    *, buyer: User, cart_id: UUID, shipping_address: str, idempotency_key: str | None
) -> Order:
    existing = _order_by_key(buyer=buyer, idempotency_key=idempotency_key)
    if existing is not None:
        return existing

    with transaction.atomic():
        cart = _cart_lock(buyer=buyer, cart_id=cart_id)
        # A retry that waited for our lock finds the order its twin placed.
        existing = _order_by_key(buyer=buyer, idempotency_key=idempotency_key)
        if existing is not None:
            return existing

        check_cart_open(cart)
        items = _items_checked(cart)
        prices = prices_current(variant_ids=[item.variant_id for item in items])
        changes = _price_changes(items, prices)
        if not changes:
            return _order_place(
                buyer=buyer,
                cart=cart,
                items=items,
                prices=prices,
                shipping_address=shipping_address,
                idempotency_key=idempotency_key,
            )
        _snapshots_refresh(cart, items, prices)

    # Raised after the block: the refreshed snapshots are committed, so the
    # buyer's retry succeeds at the prices now shown.
    raise PriceChanged(
        cart_id=str(cart.pk),
        items=[
            {
                "variant_id": str(change.variant_id),
                "snapshot_cents": change.snapshot_cents,
                "current_cents": change.current_cents,
            }
            for change in changes
        ],
    )


def _order_by_key(*, buyer: User, idempotency_key: str | None) -> Order | None:
    if not idempotency_key:
        return None
    return Order.objects.filter(buyer=buyer, idempotency_key=idempotency_key).first()


def _cart_lock(*, buyer: User, cart_id: UUID) -> Cart:
    cart = (
        Cart.objects.select_for_update(of=("self",))
        .select_related("organization")
        .filter(pk=cart_id, buyer=buyer, organization__deleted_at__isnull=True)
        .first()
    )
    if cart is None:
        raise NotFound()
    return cart


def _items_checked(cart: Cart) -> list[CartItem]:
    """Return the cart's items, refusing an empty cart or one with unsellables."""
    items = list(cart.items.select_related("variant__product", "variant__organization"))
    if not items:
        raise CartEmpty(cart_id=str(cart.pk))
    for item in items:
        if not variant_is_for_sale(item.variant):
            raise ProductUnavailable(variant_id=str(item.variant_id))
    return items


def _price_changes(
    items: list[CartItem], prices: dict[UUID, PriceHistory]
) -> list[_PriceChange]:
    missing = [item for item in items if item.variant_id not in prices]
    if missing:
        raise ProductUnavailable(variant_id=str(missing[0].variant_id))
    return [
        _PriceChange(
            item.variant_id,
            item.price_snapshot_cents,
            prices[item.variant_id].amount_cents,
        )
        for item in items
        if item.price_snapshot_cents != prices[item.variant_id].amount_cents
    ]


def _snapshots_refresh(
    cart: Cart, items: list[CartItem], prices: dict[UUID, PriceHistory]
) -> None:
    for item in items:
        item.price_snapshot_cents = prices[item.variant_id].amount_cents
    CartItem.objects.bulk_update(items, ["price_snapshot_cents"])
    cart.save(update_fields=["updated_at"])


def _order_place(
    *,
    buyer: User,
    cart: Cart,
    items: list[CartItem],
    prices: dict[UUID, PriceHistory],
    shipping_address: str,
    idempotency_key: str | None,
) -> Order:
    """Reserve the stock, write the order and convert the cart (D-02, D-05)."""
    order_id = uuid7()
    stock_movements_record(
        movements=[
            Movement(
                variant_id=item.variant_id,
                kind=MovementKind.RESERVATION,
                qty=item.qty,
                reason="checkout",
                ref_type="order",
                ref_id=str(order_id),
            )
            for item in items
        ],
        user=buyer,
    )

    order = Order.objects.create(
        id=order_id,
        buyer=buyer,
        organization=cart.organization,
        cart=cart,
        status=OrderStatus.PENDING,
        total_cents=sum(
            prices[item.variant_id].amount_cents * item.qty for item in items
        ),
        currency=cart.organization.currency,
        shipping_address=shipping_address,
        idempotency_key=idempotency_key or None,
    )
    OrderItem.objects.bulk_create(
        [
            OrderItem(
                order=order,
                variant=item.variant,
                sku=item.variant.sku,
                product_title=item.variant.product.title,
                qty=item.qty,
                unit_price_cents=prices[item.variant_id].amount_cents,
            )
            for item in items
        ]
    )
    OrderTransition.objects.create(
        order=order,
        sequence=1,
        from_status="",
        to_status=OrderStatus.PENDING,
        actor=buyer,
    )
    cart.status = CartStatus.CONVERTED
    cart.save(update_fields=["status", "updated_at"])

    enqueue_on_commit(order_placed_notify, order_id=str(order.pk))
    logger.info(
        "Order %s placed from cart %s",
        order.pk,
        cart.pk,
        extra={"order_id": str(order.pk), "cart_id": str(cart.pk)},
    )
    return order
