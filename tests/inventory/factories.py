"""Stock is only ever created through the ledger service, as in production."""

from catalog.models import Variant
from inventory.models import MovementKind
from inventory.services import Movement, stock_movement_record


def stock_in(variant: Variant, qty: int, user=None) -> None:
    """Receive `qty` units of the variant, as an IN movement."""
    stock_movement_record(
        movement=Movement(
            variant_id=variant.pk, kind=MovementKind.IN, qty=qty, reason="test stock"
        ),
        user=user,
    )
