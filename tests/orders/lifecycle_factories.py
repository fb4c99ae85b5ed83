"""PENDING orders written as checkout writes them: order, items, holds, first event."""

from django.db import transaction

from accounts.models import User
from catalog.models import Variant
from inventory.models import MovementKind
from inventory.services import Movement, stock_movements_record
from orders.models import Order, OrderItem, OrderStatus, OrderTransition
from tests.accounts.factories import UserFactory
from tests.catalog.factories import VariantFactory
from tests.inventory.factories import stock_in


def pending_order(
    *,
    buyer: User | None = None,
    lines: list[tuple[Variant, int]] | None = None,
    unit_price_cents: int = 1000,
) -> Order:
    """Create a PENDING order holding stock of each (variant, qty) line."""
    buyer = buyer or UserFactory()
    if lines is None:
        variant = VariantFactory()
        stock_in(variant, 10)
        lines = [(variant, 2)]
    organization = lines[0][0].organization

    with transaction.atomic():
        order = Order.objects.create(
            buyer=buyer,
            organization=organization,
            total_cents=sum(qty * unit_price_cents for _, qty in lines),
            shipping_address="Av. Paulista 1000, São Paulo SP, 01310-100",
        )
        OrderItem.objects.bulk_create(
            OrderItem(
                order=order,
                variant=variant,
                sku=variant.sku,
                product_title=variant.product.title,
                qty=qty,
                unit_price_cents=unit_price_cents,
            )
            for variant, qty in lines
        )
        stock_movements_record(
            movements=[
                Movement(
                    variant_id=variant.pk,
                    kind=MovementKind.RESERVATION,
                    qty=qty,
                    reason="checkout",
                    ref_type="order",
                    ref_id=str(order.pk),
                )
                for variant, qty in lines
            ],
            user=buyer,
        )
        OrderTransition.objects.create(
            order=order,
            sequence=1,
            from_status="",
            to_status=OrderStatus.PENDING,
            actor=buyer,
        )
    return order
