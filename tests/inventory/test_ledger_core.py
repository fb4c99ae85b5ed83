import pytest

from inventory.exceptions import InsufficientStock
from inventory.models import MovementKind, StockBalance, StockMovement
from inventory.services import Movement, stock_movement_record, stock_movements_record
from tests.catalog.factories import VariantFactory
from tests.inventory.factories import stock_in

pytestmark = pytest.mark.django_db


def balance_of(variant) -> tuple[int, int]:
    balance = StockBalance.objects.get(variant=variant)
    return balance.available, balance.reserved


def test_s03_each_kind_moves_available_and_reserved(user):
    variant = VariantFactory()
    stock_in(variant, 10)

    stock_movements_record(
        movements=[
            Movement(variant.pk, MovementKind.OUT, 2, "sold offline"),
            Movement(variant.pk, MovementKind.ADJUST, -1, "count"),
            Movement(variant.pk, MovementKind.RESERVATION, 3, "order"),
            Movement(variant.pk, MovementKind.RELEASE, 1, "order cancelled"),
        ],
        user=user,
    )

    assert balance_of(variant) == (10 - 2 - 1 - 3 + 1, 3 - 1)


def test_s03_release_of_a_paid_order_does_not_touch_reserved(user):
    variant = VariantFactory()
    stock_in(variant, 5)
    stock_movement_record(
        movement=Movement(variant.pk, MovementKind.RESERVATION, 2, "order"), user=user
    )

    stock_movement_record(
        movement=Movement(
            variant.pk, MovementKind.RELEASE, 2, "paid order", releases_hold=False
        ),
        user=user,
    )

    assert balance_of(variant) == (5, 2)


def test_s04_a_movement_that_would_go_negative_is_refused_and_writes_nothing(user):
    variant = VariantFactory()
    stock_in(variant, 2)

    with pytest.raises(InsufficientStock) as refused:
        stock_movements_record(
            movements=[
                Movement(variant.pk, MovementKind.IN, 5, "more"),
                Movement(variant.pk, MovementKind.OUT, 8, "too many"),
            ],
            user=user,
        )

    assert refused.value.details == {
        "variant_id": str(variant.pk),
        "requested": 8,
        "available": 7,
    }
    assert balance_of(variant) == (2, 0)
    assert StockMovement.objects.filter(variant=variant).count() == 1


def test_s06_every_movement_records_its_author(user):
    variant = VariantFactory()

    row = stock_movement_record(
        movement=Movement(variant.pk, MovementKind.IN, 1, "delivery"), user=user
    )

    assert row.audit_user == user
