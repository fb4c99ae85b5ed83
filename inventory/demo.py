"""Demo stock movements for seed_demo: restocks, counter sales and corrections.

Runs after the catalog demo, whose products start with IN movements. Safe to
run twice: nothing is recorded once any ADJUST exists.
"""

import functools

from catalog.models import Variant
from inventory.models import MovementKind, StockMovement
from inventory.services import stock_movement_manual_record
from orgs.models import Role

DEMO_VARIANTS = 6


def seed(*, stdout) -> None:
    """Record an IN, an OUT and an ADJUST on a few demo variants, as their owners."""
    if StockMovement.objects.filter(kind=MovementKind.ADJUST).exists():
        stdout.write("Stock: demo movements already recorded.")
        return

    variants = list(
        Variant.objects.filter(
            product__deleted_at__isnull=True, organization__deleted_at__isnull=True
        )
        .select_related("organization__owner")
        .order_by("id")[:DEMO_VARIANTS]
    )
    for number, variant in enumerate(variants, start=1):
        _movements(variant, number)

    stdout.write(
        f"Stock: restocks, counter sales and counts on {len(variants)} variants."
    )


def _movements(variant: Variant, number: int) -> None:
    owner = variant.organization.owner
    record = functools.partial(
        stock_movement_manual_record, variant=variant, user=owner, role=Role.OWNER
    )
    record(
        kind=MovementKind.IN,
        qty=20,
        reason="Restock from supplier",
        ref_type="invoice",
        ref_id=f"NF-{1000 + number}",
    )
    record(kind=MovementKind.OUT, qty=2, reason="Sold at the shop counter")
    # Half the counts found a unit missing, the other half one extra.
    correction = -1 if number % 2 else 1
    record(kind=MovementKind.ADJUST, qty=correction, reason="Monthly stock count")
