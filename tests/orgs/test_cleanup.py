"""O-05: what happens after an organization is deleted."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from inventory.models import MovementKind, StockBalance
from inventory.services import Movement, stock_movements_record
from orders.models import Cart, CartStatus, Order, OrderItem, OrderStatus
from orgs.models import Organization
from orgs.services import cleanup
from tests.catalog.factories import VariantFactory
from tests.conftest import client_for
from tests.inventory.factories import stock_in
from tests.orders.factories import CartFactory
from tests.orgs.factories import MembershipFactory, OrganizationFactory, members_fill

pytestmark = pytest.mark.django_db


def _deleted(organization: Organization) -> Organization:
    Organization.objects.filter(pk=organization.pk).update(
        deleted_at=timezone.now(), is_active=False
    )
    organization.refresh_from_db()
    return organization


def _order(organization, variant, qty: int, status: str) -> Order:
    """An order as checkout (and mark-paid) leave it, with its stock movements."""
    order = Order.objects.create(
        buyer=CartFactory(organization=organization).buyer,
        organization=organization,
        status=status,
        total_cents=1000 * qty,
        shipping_address="Av. Paulista 1000",
    )
    OrderItem.objects.create(
        order=order,
        variant=variant,
        sku=variant.sku,
        product_title=variant.product.title,
        qty=qty,
        unit_price_cents=1000,
    )
    ref = {"ref_type": "order", "ref_id": str(order.pk), "reason": "test"}
    movements = [
        Movement(variant_id=variant.pk, kind=MovementKind.RESERVATION, qty=qty, **ref)
    ]
    if status == OrderStatus.PAID:
        movements += [
            Movement(variant_id=variant.pk, kind=MovementKind.RELEASE, qty=qty, **ref),
            Movement(variant_id=variant.pk, kind=MovementKind.OUT, qty=qty, **ref),
        ]
    stock_movements_record(movements=movements, user=None)
    return order


def test_o05_cleanup_removes_memberships_and_closes_open_carts():
    organization = OrganizationFactory()
    members_fill(organization, 4)
    open_cart = CartFactory(organization=organization)
    converted = CartFactory(organization=organization, status=CartStatus.CONVERTED)
    other_cart = CartFactory()
    _deleted(organization)

    assert cleanup.organization_cleanup(organization_id=organization.pk) is True

    organization.refresh_from_db()
    assert organization.cleaned_up_at is not None
    assert not organization.memberships.exists()
    statuses = dict(Cart.objects.values_list("id", "status"))
    assert statuses[open_cart.pk] == CartStatus.CLOSED
    assert statuses[converted.pk] == CartStatus.CONVERTED
    assert statuses[other_cart.pk] == CartStatus.OPEN


def test_o05_cleanup_cancels_pending_and_paid_orders_and_returns_stock():
    organization = OrganizationFactory()
    variant = VariantFactory(product__organization=organization)
    stock_in(variant, 10)
    pending = _order(organization, variant, 2, OrderStatus.PENDING)
    paid = _order(organization, variant, 3, OrderStatus.PAID)
    shipped = Order.objects.create(
        buyer=pending.buyer,
        organization=organization,
        status=OrderStatus.SHIPPED,
        total_cents=1,
        shipping_address="x",
    )
    _deleted(organization)

    cleanup.organization_cleanup(organization_id=organization.pk)

    statuses = dict(Order.objects.values_list("id", "status"))
    assert statuses[pending.pk] == OrderStatus.CANCELLED
    assert statuses[paid.pk] == OrderStatus.CANCELLED
    assert statuses[shipped.pk] == OrderStatus.SHIPPED
    balance = StockBalance.objects.get(variant=variant)
    assert (balance.available, balance.reserved) == (10, 0)


def test_o05_cleanup_is_safe_to_run_twice():
    organization = OrganizationFactory()
    MembershipFactory(organization=organization)
    _deleted(organization)

    call_command("cleanup_organizations")
    organization.refresh_from_db()
    first_cleaned_at = organization.cleaned_up_at
    call_command("cleanup_organizations")

    organization.refresh_from_db()
    assert first_cleaned_at is not None
    assert organization.cleaned_up_at == first_cleaned_at
    assert cleanup.organization_cleanup(organization_id=organization.pk) is False


def test_o05_cleanup_leaves_live_organizations_alone():
    live = OrganizationFactory()
    cart = CartFactory(organization=live)

    assert cleanup.organizations_cleanup() == 0

    assert live.memberships.count() == 1
    cart.refresh_from_db()
    assert cart.status == CartStatus.OPEN


def test_o05_failed_cleanup_changes_nothing_and_is_retried(monkeypatch):
    organization = OrganizationFactory()
    members_fill(organization, 2)
    CartFactory(organization=organization)
    _deleted(organization)

    def broken(organization):
        raise RuntimeError("storage down")

    monkeypatch.setattr(cleanup, "_STEPS", [*cleanup._STEPS, broken])
    assert cleanup.organizations_cleanup() == 0
    organization.refresh_from_db()
    assert organization.cleaned_up_at is None
    assert organization.memberships.count() == 2

    monkeypatch.undo()
    assert cleanup.organizations_cleanup() == 1


def test_o05_beat_task_sweeps_deleted_organizations():
    from orgs.tasks import organizations_cleanup

    organization = _deleted(OrganizationFactory())

    assert organizations_cleanup.delay().get() == 1
    organization.refresh_from_db()
    assert organization.cleaned_up_at is not None


def test_o05_delete_runs_the_cleanup_after_commit(django_capture_on_commit_callbacks):
    organization = OrganizationFactory()
    member = MembershipFactory(organization=organization).user
    cart = CartFactory(organization=organization)

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(organization.owner).delete(
            f"/organizations/{organization.pk}"
        )

    assert response.status_code == 202
    organization.refresh_from_db()
    assert organization.cleaned_up_at is not None
    assert not organization.memberships.exists()
    cart.refresh_from_db()
    assert cart.status == CartStatus.CLOSED
    assert client_for(member).get("/organizations").json()["results"] == []


def test_o05_cleanup_step_registry_accepts_other_apps():
    seen = []

    def step(organization):
        seen.append(organization.pk)

    organization = _deleted(OrganizationFactory())
    try:
        cleanup.cleanup_step_register(step)
        cleanup.cleanup_step_register(step)  # registering twice runs it once
        cleanup.organization_cleanup(organization_id=organization.pk)
    finally:
        cleanup._STEPS.remove(step)

    assert seen == [organization.pk]
