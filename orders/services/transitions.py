"""The order state machine (D-03, D-04, D-06, D-07, D-08): one way to move an order.

The API, the admin actions, the organization cleanup and the demo all call
`order_transition`. It locks the order row, checks the move against the
table below, writes that move's stock movements, records an OrderTransition
(the audit trail and the SSE event log) and publishes the event once the
transaction commits.
"""

import logging
from collections.abc import Callable
from typing import NoReturn
from uuid import UUID

from django.db import transaction
from django.db.models import Max
from rest_framework.exceptions import ValidationError

from accounts.models import User
from inventory.models import MovementKind
from inventory.services import Movement, stock_movements_record
from marketplace.errors import NotFound
from orders import events, lifecycle_metrics
from orders.exceptions import InvalidTransition
from orders.models import Order, OrderItem, OrderStatus, OrderTransition

logger = logging.getLogger(__name__)

TRACKING_CODE_MAX_LENGTH = 100

MovementPlan = Callable[[OrderItem], list[Movement]]


def _paid(item: OrderItem) -> list[Movement]:
    # D-06: the hold becomes a sale.
    return [
        _movement(item, MovementKind.RELEASE, "order paid: hold released"),
        _movement(item, MovementKind.OUT, "order paid"),
    ]


def _cancelled_pending(item: OrderItem) -> list[Movement]:
    # D-07: the hold goes back to available.
    return [_movement(item, MovementKind.RELEASE, "order cancelled")]


def _cancelled_paid(item: OrderItem) -> list[Movement]:
    # The hold was released at payment; the sold units come back.
    return [
        _movement(
            item,
            MovementKind.RELEASE,
            "paid order cancelled: stock returned",
            releases_hold=False,
        )
    ]


def _no_movements(item: OrderItem) -> list[Movement]:
    return []


S = OrderStatus

# D-04: every allowed move and the ledger lines it writes per item.
TRANSITIONS: dict[tuple[str, str], MovementPlan] = {
    (S.PENDING, S.PAID): _paid,
    (S.PENDING, S.CANCELLED): _cancelled_pending,
    (S.PAID, S.CANCELLED): _cancelled_paid,
    (S.PAID, S.SHIPPED): _no_movements,
    (S.SHIPPED, S.DELIVERED): _no_movements,
}


def order_transition(
    *,
    order_id: UUID,
    to_status: str,
    actor: User | None,
    tracking_code: str = "",
) -> Order:
    """Move the order to `to_status` or raise InvalidTransition.

    `actor` is None when the system acts (organization cleanup). Shipping
    needs a tracking code of 1 to 100 characters. Callers decide who may
    ask for which move; this function decides whether the move is allowed
    now, under the order's row lock, so two racing requests cannot both pass.
    """
    # Only shipping sets a tracking code; other moves keep the order's.
    tracking_code = tracking_code.strip() if to_status == OrderStatus.SHIPPED else ""
    if to_status == OrderStatus.SHIPPED:
        _tracking_code_validate(tracking_code)

    with transaction.atomic():
        order = _order_lock(order_id)
        from_status = order.status
        plan = TRANSITIONS.get((from_status, to_status))
        if plan is None:
            _refuse(order, to_status, actor)

        items = list(order.items.all())
        movements = [movement for item in items for movement in plan(item)]
        if movements:
            stock_movements_record(movements=movements, user=actor)

        order.status = to_status
        if to_status == OrderStatus.SHIPPED:
            order.tracking_code = tracking_code
        order.save(update_fields=["status", "tracking_code", "updated_at"])
        step = _transition_append(order, from_status, actor, tracking_code)

        transaction.on_commit(lambda: events.order_event_publish(order, step))
        transaction.on_commit(
            lambda: lifecycle_metrics.transition_count(from_status, to_status)
        )

    logger.info(
        "Order %s moved from %s to %s",
        order.pk,
        from_status,
        to_status,
        extra={
            "order_id": str(order.pk),
            "actor_id": str(actor.pk) if actor else "",
            "sequence": step.sequence,
        },
    )
    return order


def order_mark_paid(*, order_id: UUID, actor: User | None) -> Order:
    """D-09: record a (mock) payment."""
    return order_transition(order_id=order_id, to_status=OrderStatus.PAID, actor=actor)


def order_ship(*, order_id: UUID, actor: User | None, tracking_code: str) -> Order:
    """Ship a paid order with its carrier's tracking code."""
    return order_transition(
        order_id=order_id,
        to_status=OrderStatus.SHIPPED,
        actor=actor,
        tracking_code=tracking_code,
    )


def order_cancel(*, order_id: UUID, actor: User | None) -> Order:
    """Cancel a pending or paid order, returning its stock."""
    return order_transition(
        order_id=order_id, to_status=OrderStatus.CANCELLED, actor=actor
    )


def order_confirm_delivery(*, order_id: UUID, actor: User | None) -> Order:
    """Record that the buyer received a shipped order."""
    return order_transition(
        order_id=order_id, to_status=OrderStatus.DELIVERED, actor=actor
    )


def _tracking_code_validate(tracking_code: str) -> None:
    if not 1 <= len(tracking_code) <= TRACKING_CODE_MAX_LENGTH:
        raise ValidationError(
            {
                "tracking_code": [
                    f"Must be 1 to {TRACKING_CODE_MAX_LENGTH} characters to ship."
                ]
            }
        )


def _order_lock(order_id: UUID) -> Order:
    order = Order.objects.select_for_update(of=("self",)).filter(pk=order_id).first()
    if order is None:
        raise NotFound()
    return order


def _refuse(order: Order, to_status: str, actor: User | None) -> NoReturn:
    logger.info(
        "Order %s cannot move from %s to %s",
        order.pk,
        order.status,
        to_status,
        extra={"order_id": str(order.pk), "actor_id": str(actor.pk) if actor else ""},
    )
    raise InvalidTransition(
        order_id=str(order.pk), from_status=order.status, to_status=to_status
    )


def _transition_append(
    order: Order, from_status: str, actor: User | None, tracking_code: str
) -> OrderTransition:
    # The order row is locked, so no other transaction appends meanwhile.
    last = order.transitions.aggregate(last=Max("sequence"))["last"] or 0
    return OrderTransition.objects.create(
        order=order,
        sequence=last + 1,
        from_status=from_status,
        to_status=order.status,
        actor=actor,
        tracking_code=tracking_code,
    )


def _movement(
    item: OrderItem, kind: str, reason: str, *, releases_hold: bool = True
) -> Movement:
    return Movement(
        variant_id=item.variant_id,
        kind=kind,
        qty=item.qty,
        reason=reason,
        ref_type="order",
        ref_id=str(item.order_id),
        releases_hold=releases_hold,
    )
