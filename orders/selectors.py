"""Reads on carts and orders."""

from collections.abc import Iterable
from datetime import datetime, timedelta
from uuid import UUID

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from catalog.models import PriceHistory
from marketplace.errors import NotFound
from orders.models import Cart, CartItem, CartStatus, Order
from orgs.models import Membership

# C-04: a cart untouched this long is expired, whether or not the periodic
# job has marked it yet.
CART_LIFETIME = timedelta(hours=24)


def cart_expires_at(cart: Cart) -> datetime:
    return cart.updated_at + CART_LIFETIME


def cart_is_stale(cart: Cart, *, now: datetime | None = None) -> bool:
    """Whether the cart's 24 h are over (C-04)."""
    return cart_expires_at(cart) <= (now or timezone.now())


def prices_current(*, variant_ids: Iterable[UUID]) -> dict[UUID, PriceHistory]:
    """Each variant's current price: its latest row with valid_from <= now (P-06)."""
    rows = (
        PriceHistory.objects.filter(
            variant_id__in=set(variant_ids), valid_from__lte=timezone.now()
        )
        .order_by("variant_id", "-valid_from", "-id")
        .distinct("variant_id")
    )
    return {row.variant_id: row for row in rows}


def carts_open_list(*, buyer: User) -> QuerySet[Cart]:
    """The buyer's OPEN, unexpired carts of live organizations, items included."""
    return Cart.objects.filter(
        buyer=buyer,
        status=CartStatus.OPEN,
        updated_at__gt=timezone.now() - CART_LIFETIME,
        organization__deleted_at__isnull=True,
    ).prefetch_related(_cart_items())


def cart_with_items(*, cart_id: UUID) -> Cart:
    """Read a cart with what its representation needs."""
    return Cart.objects.prefetch_related(_cart_items()).get(pk=cart_id)


def orders_of_buyer(*, buyer: User, status: str | None = None) -> QuerySet[Order]:
    """The buyer's own orders, newest first."""
    orders = Order.objects.filter(buyer=buyer)
    if status:
        orders = orders.filter(status=status)
    return orders.prefetch_related("items")


def orders_of_organization(
    *, organization_id: UUID, status: str | None = None
) -> QuerySet[Order]:
    """The orders a seller organization received, newest first."""
    orders = Order.objects.filter(organization_id=organization_id)
    if status:
        orders = orders.filter(status=status)
    return orders.prefetch_related("items")


def order_get_visible(*, user: User, order_id: UUID) -> Order:
    """Return the order if the user bought it or is a member of its seller.

    Anyone else gets NotFound, so the order's existence is not revealed.
    """
    seller_member = Membership.objects.filter(
        organization_id=OuterRef("organization_id"),
        organization__deleted_at__isnull=True,
        user=user,
    )
    order = (
        Order.objects.filter(pk=order_id)
        .filter(Q(buyer=user) | Q(Exists(seller_member)))
        .prefetch_related("items")
        .first()
    )
    if order is None:
        raise NotFound()
    return order


def _cart_items() -> Prefetch:
    return Prefetch(
        "items", queryset=CartItem.objects.select_related("variant__product")
    )
