"""Reads on the stock ledger and balances."""

from collections.abc import Iterator
from dataclasses import dataclass
from uuid import UUID

from django.db.models import Case, F, IntegerField, QuerySet, Sum, When

from catalog.models import Variant
from inventory.models import MovementKind, StockBalance, StockMovement
from marketplace.errors import NotFound
from orders.models import OrderItem, OrderStatus

# S-03: the kinds that add to `available`; the others take from it.
_ADDING_KINDS = [MovementKind.IN, MovementKind.RELEASE, MovementKind.ADJUST]


@dataclass(frozen=True)
class Balance:
    variant_id: UUID
    available: int
    reserved: int

    @property
    def on_hand(self) -> int:
        return self.available + self.reserved


@dataclass(frozen=True)
class Discrepancy:
    """A balance column that disagrees with what the ledger and orders say."""

    variant_id: UUID
    field: str
    expected: int
    actual: int


def stock_variant_get(*, variant_id: UUID) -> Variant:
    """Return a variant whose stock may be managed, or raise NotFound.

    A variant of a deleted product or of a deleted organization does not exist
    for the stock endpoints.
    """
    variant = (
        Variant.objects.select_related("product", "organization")
        .filter(
            pk=variant_id,
            product__deleted_at__isnull=True,
            organization__deleted_at__isnull=True,
        )
        .first()
    )
    if variant is None:
        raise NotFound()
    return variant


def balance_get(*, variant: Variant) -> Balance:
    """Read the variant's balance row: one primary-key lookup (S-03)."""
    row = StockBalance.objects.filter(variant=variant).first()
    if row is None:
        return Balance(variant_id=variant.pk, available=0, reserved=0)
    return Balance(
        variant_id=variant.pk, available=row.available, reserved=row.reserved
    )


def movements_list(*, variant: Variant, kind: str | None = None) -> QuerySet:
    """The variant's ledger, newest first, optionally of one kind."""
    movements = StockMovement.objects.filter(variant=variant)
    if kind:
        movements = movements.filter(kind=kind)
    return movements.order_by("-id")


def stock_discrepancies() -> list[Discrepancy]:
    """Recompute every balance and return where the balance rows disagree.

    `available` comes from the ledger (S-03, one GROUP BY over it) and
    `reserved` from the items of PENDING orders, which is what it must equal.
    """
    expected_available = _ledger_available()
    expected_reserved = _pending_reserved()
    actual = {
        row["variant_id"]: (row["available"], row["reserved"])
        for row in StockBalance.objects.values("variant_id", "available", "reserved")
    }

    variant_ids = set(expected_available) | set(expected_reserved) | set(actual)
    return [
        discrepancy
        for variant_id in sorted(variant_ids)
        for discrepancy in _compare(
            variant_id, expected_available, expected_reserved, actual
        )
    ]


def _compare(
    variant_id: UUID,
    expected_available: dict[UUID, int],
    expected_reserved: dict[UUID, int],
    actual: dict[UUID, tuple[int, int]],
) -> Iterator[Discrepancy]:
    available, reserved = actual.get(variant_id, (0, 0))
    wanted_available = expected_available.get(variant_id, 0)
    wanted_reserved = expected_reserved.get(variant_id, 0)
    if available != wanted_available:
        yield Discrepancy(variant_id, "available", wanted_available, available)
    if reserved != wanted_reserved:
        yield Discrepancy(variant_id, "reserved", wanted_reserved, reserved)


def _ledger_available() -> dict[UUID, int]:
    signed = Case(
        When(kind__in=_ADDING_KINDS, then=F("qty")),
        default=-F("qty"),
        output_field=IntegerField(),
    )
    rows = (
        StockMovement.objects.order_by()
        .values("variant_id")
        .annotate(total=Sum(signed))
    )
    return {row["variant_id"]: row["total"] for row in rows}


def _pending_reserved() -> dict[UUID, int]:
    rows = (
        OrderItem.objects.filter(order__status=OrderStatus.PENDING)
        .order_by()
        .values("variant_id")
        .annotate(total=Sum("qty"))
    )
    return {row["variant_id"]: row["total"] for row in rows}
