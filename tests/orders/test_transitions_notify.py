"""The seller's new-order e-mail and the lifecycle metrics."""

import pytest
from django.core import mail
from django.urls import reverse

from orders.models import OrderStatus
from orders.notifications import order_placed_notify
from orders.services.transitions import order_transition
from orgs.models import Role
from tests.accounts.factories import UserFactory
from tests.catalog.factories import VariantFactory
from tests.inventory.factories import stock_in
from tests.orders.lifecycle_factories import pending_order
from tests.orgs.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_order_placed_mail_goes_to_each_owner_and_admin_only():
    variant = VariantFactory(product__title="Blue mug")
    stock_in(variant, 5)
    organization = variant.organization
    admin = MembershipFactory(organization=organization, role=Role.ADMIN).user
    MembershipFactory(organization=organization, role=Role.MEMBER)
    order = pending_order(lines=[(variant, 2)], unit_price_cents=1250)

    order_placed_notify.delay(order_id=str(order.pk))

    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [organization.owner.email, admin.email]
    )
    message = mail.outbox[0]
    assert len(message.to) == 1
    assert message.subject == f"New order {order.pk}"
    assert "2 x Blue mug" in message.body
    assert "2500" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "Blue mug" in html


def test_order_placed_mail_for_a_missing_order_sends_nothing():
    order_placed_notify.delay(order_id=str(UserFactory.build().pk))

    assert mail.outbox == []


def test_metrics_report_orders_by_status_and_transitions(client):
    paid, _ = pending_order(), pending_order()
    order_transition(order_id=paid.pk, to_status=OrderStatus.PAID, actor=None)

    body = client.get(reverse("prometheus-django-metrics")).content.decode()

    assert 'marketplace_orders_by_status{status="PENDING"} 1.0' in body
    assert 'marketplace_orders_by_status{status="PAID"} 1.0' in body
    assert "marketplace_order_transitions_total" in body
