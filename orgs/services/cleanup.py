"""O-05: the cleanup that follows an organization's deletion.

Deleting answers at once; this runs afterwards, from the task the deletion
enqueues and from the beat job that sweeps every deleted organization not
yet cleaned (so a lost task is retried a minute later). Each organization is
cleaned in one transaction that holds its row with FOR UPDATE SKIP LOCKED:
a second worker skips an organization being cleaned, a run that fails
changes nothing and is retried, and a finished one is never picked again.

Apps that keep per-organization state add their part with
`cleanup_step_register`; the steps run in registration order.
"""

import logging
from collections.abc import Callable
from uuid import UUID

from django.db import transaction
from django.utils import timezone

from orders.models import Cart, CartStatus, Order, OrderStatus
from orgs.models import Membership, Organization

logger = logging.getLogger(__name__)

CleanupStep = Callable[[Organization], None]
_STEPS: list[CleanupStep] = []
# One run handles at most this many organizations; the next run continues.
SWEEP_BATCH = 100


def cleanup_step_register(step: CleanupStep) -> CleanupStep:
    """Run `step(organization)` in every cleanup; usable as a decorator."""
    if step not in _STEPS:
        _STEPS.append(step)
    return step


def organizations_cleanup() -> int:
    """Clean every deleted organization not cleaned yet; return how many."""
    pending = Organization.objects.filter(
        deleted_at__isnull=False, cleaned_up_at__isnull=True
    ).order_by("deleted_at")
    cleaned = 0
    for organization_id in pending.values_list("pk", flat=True)[:SWEEP_BATCH]:
        try:
            cleaned += organization_cleanup(organization_id=organization_id)
        except Exception:
            # One failing organization must not hold up the others.
            logger.exception(
                "Organization cleanup failed; the next run retries",
                extra={"organization_id": str(organization_id)},
            )
    return cleaned


def organization_cleanup(*, organization_id: UUID) -> bool:
    """Clean one deleted organization; False if done already or in progress."""
    with transaction.atomic():
        organization = (
            Organization.objects.select_for_update(of=("self",), skip_locked=True)
            .filter(
                pk=organization_id,
                deleted_at__isnull=False,
                cleaned_up_at__isnull=True,
            )
            .first()
        )
        if organization is None:
            return False

        for step in _STEPS:
            step(organization)
        organization.cleaned_up_at = timezone.now()
        organization.save(update_fields=["cleaned_up_at", "updated_at"])

    logger.info(
        "Organization cleaned up", extra={"organization_id": str(organization_id)}
    )
    return True


@cleanup_step_register
def _carts_close(organization: Organization) -> None:
    """Close open carts before cancelling orders.

    A checkout that locked its cart before the deletion committed makes this
    UPDATE wait until that order is written, so the next step sees it.
    """
    Cart.objects.filter(organization=organization, status=CartStatus.OPEN).update(
        status=CartStatus.CLOSED, updated_at=timezone.now()
    )


@cleanup_step_register
def _orders_cancel(organization: Organization) -> None:
    """Cancel PENDING and PAID orders; the transition returns their stock."""
    open_orders = Order.objects.filter(
        organization=organization,
        status__in=[OrderStatus.PENDING, OrderStatus.PAID],
    ).order_by("id")
    order_ids = list(open_orders.values_list("pk", flat=True))
    if not order_ids:
        return

    # Imported here: the orders app is built on this one and imports it.
    from orders.services.transitions import order_transition

    for order_id in order_ids:
        # Each cancellation locks and checks its own order.
        order_transition(order_id=order_id, to_status=OrderStatus.CANCELLED, actor=None)


@cleanup_step_register
def _memberships_delete(organization: Organization) -> None:
    Membership.objects.filter(organization=organization).delete()
