"""E-mails about orders, sent by Celery after the transaction that caused them."""

import logging

from celery import shared_task
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string

from orders.models import Order
from orgs.models import Membership, Role

logger = logging.getLogger(__name__)


@shared_task
def order_placed_notify(order_id: str) -> None:
    """Tell the seller organization's OWNER and ADMINs about a new order.

    Checkout enqueues it with `transaction.on_commit`, so the order exists.
    """
    order = (
        Order.objects.select_related("organization", "buyer")
        .prefetch_related("items")
        .filter(pk=order_id)
        .first()
    )
    if order is None:
        logger.warning("Order %s to notify about does not exist", order_id)
        return

    recipients = _seller_admin_emails(order)
    context = {"order": order, "items": order.items.all()}
    subject = f"New order {order.pk}"
    text = render_to_string("emails/order_placed.txt", context)
    html = render_to_string("emails/order_placed.html", context)
    messages = []
    for email in recipients:
        message = EmailMultiAlternatives(subject, text, to=[email])
        message.attach_alternative(html, "text/html")
        messages.append(message)
    get_connection().send_messages(messages)

    logger.info(
        "Order %s notified to %s seller admins",
        order.pk,
        len(recipients),
        extra={
            "order_id": str(order.pk),
            "organization_id": str(order.organization_id),
        },
    )


def _seller_admin_emails(order: Order) -> list[str]:
    # One message per person, so no recipient sees the others' addresses.
    return list(
        Membership.objects.filter(
            organization_id=order.organization_id,
            role__in=[Role.OWNER, Role.ADMIN],
            user__is_active=True,
        )
        .order_by("user__email")
        .values_list("user__email", flat=True)
    )
