"""Writes on the stock ledger (S-01..S-06).

Every movement goes through `stock_movements_record`: it locks the balance
rows of the variants involved, in variant-id order so that two callers can
never wait on each other in a cycle, checks that `available` stays at zero
or above, appends the movements and updates the balances in one transaction.
"""

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from uuid import UUID

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from catalog.cache import catalog_changed
from catalog.models import Variant
from inventory.exceptions import AdjustNotAllowed, InsufficientStock
from inventory.models import MovementKind, StockBalance, StockMovement
from orgs.models import ROLE_RANK, Role

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Movement:
    """One ledger line to record.

    `releases_hold` says whether a RELEASE frees a PENDING order's hold
    (reserved goes down) or returns stock of a paid order that had already
    left the hold (reserved stays).
    """

    variant_id: UUID
    kind: str
    qty: int
    reason: str
    ref_type: str = ""
    ref_id: str = ""
    releases_hold: bool = True

    def deltas(self) -> tuple[int, int]:
        """Return how this movement changes (available, reserved)."""
        if self.kind == MovementKind.IN or self.kind == MovementKind.ADJUST:
            return self.qty, 0
        if self.kind == MovementKind.OUT:
            return -self.qty, 0
        if self.kind == MovementKind.RESERVATION:
            return -self.qty, self.qty
        return self.qty, -self.qty if self.releases_hold else 0


def stock_movements_record(
    *, movements: Sequence[Movement], user: User | None
) -> list[StockMovement]:
    """Append movements and update balances atomically, or raise InsufficientStock.

    Joins the caller's transaction when there is one, so checkout and order
    transitions write their movements together with the order.
    """
    with transaction.atomic():
        balances = balances_lock(variant_ids=[m.variant_id for m in movements])

        for movement in movements:
            _apply(balances[movement.variant_id], movement)

        rows = StockMovement.objects.bulk_create(
            [_ledger_row(movement, user) for movement in movements]
        )
        StockBalance.objects.bulk_update(
            balances.values(), ["available", "reserved", "updated_at"]
        )
        # Availability shows in the public catalog (P-07).
        transaction.on_commit(catalog_changed)
    return rows


def stock_movement_record(*, movement: Movement, user: User | None) -> StockMovement:
    """Record a single movement (the stock movement endpoint, initial stock)."""
    (row,) = stock_movements_record(movements=[movement], user=user)
    return row


# RESERVATION and RELEASE belong to orders: `reserved` must equal what PENDING
# orders hold (S-03), so people may only receive, remove or correct stock.
MANUAL_KINDS = (MovementKind.IN, MovementKind.OUT, MovementKind.ADJUST)


def stock_movement_manual_record(
    *,
    variant: Variant,
    kind: str,
    qty: int,
    reason: str,
    user: User,
    role: str,
    ref_type: str = "",
    ref_id: str = "",
) -> StockMovement:
    """Record a movement a seller's member posts (S-05, S-06).

    ADJUST needs ADMIN or above; `role` is the author's role in the variant's
    organization.
    """
    if kind not in MANUAL_KINDS:
        raise ValueError(f"{kind} movements are written by orders only.")
    if kind == MovementKind.ADJUST and ROLE_RANK[role] < ROLE_RANK[Role.ADMIN]:
        raise AdjustNotAllowed()

    row = stock_movement_record(
        movement=Movement(
            variant_id=variant.pk,
            kind=kind,
            qty=qty,
            reason=reason,
            ref_type=ref_type,
            ref_id=ref_id,
        ),
        user=user,
    )
    logger.info(
        "Stock movement %s %s of variant %s by user %s",
        kind,
        qty,
        variant.pk,
        user.pk,
        extra={"variant_id": str(variant.pk), "movement_id": str(row.pk)},
    )
    return row


def balances_lock(*, variant_ids: Iterable[UUID]) -> dict[UUID, StockBalance]:
    """Lock the balance rows of these variants, creating missing ones first.

    Must run inside a transaction. Rows are locked in ascending variant id
    (D-05: a fixed order, so concurrent checkouts cannot deadlock).
    """
    ids = sorted(set(variant_ids))
    StockBalance.objects.bulk_create(
        [StockBalance(variant_id=variant_id) for variant_id in ids],
        ignore_conflicts=True,
    )
    locked = (
        StockBalance.objects.select_for_update(of=("self",))
        .filter(variant_id__in=ids)
        .order_by("variant_id")
    )
    return {balance.variant_id: balance for balance in locked}


def _apply(balance: StockBalance, movement: Movement) -> None:
    available_delta, reserved_delta = movement.deltas()
    if balance.available + available_delta < 0:
        logger.info(
            "Stock movement refused: %s %s of variant %s, %s available",
            movement.kind,
            movement.qty,
            movement.variant_id,
            balance.available,
            extra={"variant_id": str(movement.variant_id), "ref_id": movement.ref_id},
        )
        raise InsufficientStock(
            variant_id=movement.variant_id,
            requested=abs(available_delta),
            available=balance.available,
        )
    balance.available += available_delta
    balance.reserved += reserved_delta
    balance.updated_at = timezone.now()


def _ledger_row(movement: Movement, user: User | None) -> StockMovement:
    return StockMovement(
        variant_id=movement.variant_id,
        kind=movement.kind,
        qty=movement.qty,
        reason=movement.reason,
        ref_type=movement.ref_type,
        ref_id=movement.ref_id,
        audit_user=user,
    )
