import pytest
from django.core.management import CommandError, call_command

from inventory.models import MovementKind, StockBalance, StockMovement
from inventory.selectors import Discrepancy, stock_discrepancies
from inventory.services import Movement, stock_movements_record
from orders.models import Order, OrderItem, OrderStatus
from tests.accounts.factories import UserFactory
from tests.catalog.factories import VariantFactory
from tests.inventory.factories import stock_in

pytestmark = pytest.mark.django_db


def place_pending_order(variant, qty):
    """A PENDING order holding `qty`, as checkout writes it."""
    order = Order.objects.create(
        buyer=UserFactory(),
        organization=variant.organization,
        total_cents=1000 * qty,
        shipping_address="Rua A, 1",
    )
    OrderItem.objects.create(
        order=order,
        variant=variant,
        sku=variant.sku,
        product_title="t",
        qty=qty,
        unit_price_cents=1000,
    )
    stock_movements_record(
        movements=[
            Movement(
                variant.pk,
                MovementKind.RESERVATION,
                qty,
                "checkout",
                "order",
                str(order.pk),
            )
        ],
        user=order.buyer,
    )
    return order


def test_s03_verify_stock_is_clean_when_balances_follow_the_ledger(capsys):
    variant = VariantFactory()
    stock_in(variant, 10)
    stock_movements_record(
        movements=[
            Movement(variant.pk, MovementKind.OUT, 2, "sold"),
            Movement(variant.pk, MovementKind.ADJUST, -1, "count"),
        ],
        user=None,
    )
    place_pending_order(variant, 3)

    call_command("verify_stock")

    assert stock_discrepancies() == []
    assert "matches" in capsys.readouterr().out


def test_s03_verify_stock_reports_a_tampered_available_and_fails():
    variant = VariantFactory()
    stock_in(variant, 10)
    StockBalance.objects.filter(variant=variant).update(available=11)

    with pytest.raises(CommandError):
        call_command("verify_stock")

    assert stock_discrepancies() == [Discrepancy(variant.pk, "available", 10, 11)]


def test_s03_verify_stock_compares_reserved_with_pending_orders():
    variant = VariantFactory()
    stock_in(variant, 10)
    order = place_pending_order(variant, 4)

    # An order leaving PENDING without its RELEASE leaves a hold nobody owns.
    order.status = OrderStatus.CANCELLED
    order.save()

    assert stock_discrepancies() == [Discrepancy(variant.pk, "reserved", 0, 4)]


def test_s03_verify_stock_finds_a_ledger_without_balance_row():
    variant = VariantFactory()
    StockMovement.objects.create(
        variant=variant, kind=MovementKind.IN, qty=3, reason="written around service"
    )

    assert stock_discrepancies() == [Discrepancy(variant.pk, "available", 3, 0)]


def test_s03_verify_stock_prints_each_difference(capsys):
    variant = VariantFactory()
    stock_in(variant, 2)
    StockBalance.objects.filter(variant=variant).update(available=0)

    with pytest.raises(CommandError, match="1 stock balance"):
        call_command("verify_stock")

    out = capsys.readouterr().out
    assert f"variant {variant.pk}: available is 0, expected 2" in out
