"""D-03, D-04, D-06, D-07, D-09: every row of the transition table, and the rest."""

import pytest
from django.urls import reverse

from inventory.models import MovementKind, StockBalance, StockMovement
from inventory.selectors import stock_discrepancies
from orders.models import Order, OrderStatus, OrderTransition
from orders.services.transitions import order_transition
from orgs.models import Role
from tests.catalog.factories import VariantFactory
from tests.conftest import client_for
from tests.inventory.factories import stock_in
from tests.orders.lifecycle_factories import pending_order
from tests.orgs.factories import MembershipFactory

pytestmark = pytest.mark.django_db

S = OrderStatus


def ledger(variant) -> tuple[int, int, int]:
    """(available, reserved, on_hand) of the variant."""
    balance = StockBalance.objects.get(variant=variant)
    return balance.available, balance.reserved, balance.on_hand


def order_movements(order) -> list[tuple[str, int]]:
    """The order's ledger lines; rows written together have no defined order."""
    rows = StockMovement.objects.filter(ref_type="order", ref_id=str(order.pk))
    return sorted((row.kind, row.qty) for row in rows)


def act(order, action: str, user, body: dict | None = None):
    url = reverse(f"order-{action}", kwargs={"order_id": order.pk})
    return client_for(user).post(url, body or {}, format="json")


def as_seller(order, action: str, body: dict | None = None):
    return act(order, action, order.organization.owner, body)


def as_buyer(order, action: str):
    return act(order, action, order.buyer)


@pytest.fixture
def variant():
    variant = VariantFactory()
    stock_in(variant, 10)
    return variant


@pytest.fixture
def order(variant):
    return pending_order(lines=[(variant, 3)])


def test_d03_checkout_holds_stock_as_pending(order, variant):
    assert order.status == S.PENDING
    assert ledger(variant) == (7, 3, 10)
    assert stock_discrepancies() == []


def test_d06_mark_paid_releases_the_hold_and_takes_the_stock_out(order, variant):
    response = as_seller(order, "mark-paid")

    assert response.status_code == 200
    assert response.data["status"] == S.PAID
    assert response.data["id"] == str(order.pk)
    assert ledger(variant) == (7, 0, 7)
    assert sorted(order_movements(order)) == [
        (MovementKind.OUT, 3),
        (MovementKind.RELEASE, 3),
        (MovementKind.RESERVATION, 3),
    ]
    assert stock_discrepancies() == []


def test_d07_buyer_cancels_pending_order_and_the_hold_returns(order, variant):
    response = as_buyer(order, "cancel")

    assert response.status_code == 200
    assert response.data["status"] == S.CANCELLED
    assert ledger(variant) == (10, 0, 10)
    assert sorted(order_movements(order)) == [
        (MovementKind.RELEASE, 3),
        (MovementKind.RESERVATION, 3),
    ]
    assert stock_discrepancies() == []


def test_d04_cancelling_a_paid_order_returns_its_stock(order, variant):
    as_seller(order, "mark-paid")

    response = as_buyer(order, "cancel")

    assert response.status_code == 200
    assert response.data["status"] == S.CANCELLED
    assert ledger(variant) == (10, 0, 10)
    assert sorted(order_movements(order)) == [
        (MovementKind.OUT, 3),
        (MovementKind.RELEASE, 3),
        (MovementKind.RELEASE, 3),
        (MovementKind.RESERVATION, 3),
    ]
    assert stock_discrepancies() == []


def test_d04_ship_sets_the_tracking_code_and_moves_no_stock(order, variant):
    as_seller(order, "mark-paid")
    movements_before = order_movements(order)

    response = as_seller(order, "ship", {"tracking_code": "BR123456789"})

    assert response.status_code == 200
    assert response.data["status"] == S.SHIPPED
    assert response.data["tracking_code"] == "BR123456789"
    assert ledger(variant) == (7, 0, 7)
    assert order_movements(order) == movements_before
    assert stock_discrepancies() == []


def test_d04_confirm_delivery_moves_no_stock(order, variant):
    as_seller(order, "mark-paid")
    as_seller(order, "ship", {"tracking_code": "BR1"})
    movements_before = order_movements(order)

    response = as_buyer(order, "confirm-delivery")

    assert response.status_code == 200
    assert response.data["status"] == S.DELIVERED
    assert response.data["tracking_code"] == "BR1"
    assert ledger(variant) == (7, 0, 7)
    assert order_movements(order) == movements_before
    assert stock_discrepancies() == []


def test_d04_every_transition_is_recorded_with_actor_and_sequence(order):
    as_seller(order, "mark-paid")
    as_seller(order, "ship", {"tracking_code": "BR9"})
    as_buyer(order, "confirm-delivery")

    steps = list(
        OrderTransition.objects.filter(order=order)
        .order_by("sequence")
        .values_list("sequence", "from_status", "to_status", "actor", "tracking_code")
    )
    owner, buyer = order.organization.owner_id, order.buyer_id
    assert steps == [
        (1, "", S.PENDING, buyer, ""),
        (2, S.PENDING, S.PAID, owner, ""),
        (3, S.PAID, S.SHIPPED, owner, "BR9"),
        (4, S.SHIPPED, S.DELIVERED, buyer, ""),
    ]


def test_d06_each_item_gets_its_own_movements(variant):
    other = VariantFactory(product__organization=variant.organization)
    stock_in(other, 4)
    order = pending_order(lines=[(variant, 2), (other, 4)])

    as_seller(order, "mark-paid")

    assert ledger(variant) == (8, 0, 8)
    assert ledger(other) == (0, 0, 0)
    assert sorted(order_movements(order)) == sorted(
        [
            (MovementKind.RESERVATION, 2),
            (MovementKind.RESERVATION, 4),
            (MovementKind.RELEASE, 2),
            (MovementKind.RELEASE, 4),
            (MovementKind.OUT, 2),
            (MovementKind.OUT, 4),
        ]
    )
    assert stock_discrepancies() == []


def test_d04_movements_point_at_the_order_and_record_the_actor(order):
    as_buyer(order, "cancel")

    release = StockMovement.objects.get(ref_id=str(order.pk), kind=MovementKind.RELEASE)
    assert release.ref_type == "order"
    assert release.audit_user_id == order.buyer_id
    assert release.reason


def test_o05_system_cancel_of_a_paid_order_has_no_actor(order, variant):
    owner = order.organization.owner
    order_transition(order_id=order.pk, to_status=S.PAID, actor=owner)

    order_transition(order_id=order.pk, to_status=S.CANCELLED, actor=None)

    assert ledger(variant) == (10, 0, 10)
    last = OrderTransition.objects.filter(order=order).order_by("sequence").last()
    assert (last.to_status, last.actor_id) == (S.CANCELLED, None)
    releases = StockMovement.objects.filter(
        ref_id=str(order.pk), kind=MovementKind.RELEASE
    )
    assert sorted(map(str, releases.values_list("audit_user_id", flat=True))) == sorted(
        [str(order.organization.owner_id), "None"]
    )
    assert stock_discrepancies() == []


def test_d09_mark_paid_is_idempotent_with_a_key(order, variant):
    client = client_for(order.organization.owner)
    url = reverse("order-mark-paid", kwargs={"order_id": order.pk})

    first = client.post(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="pay-1")
    second = client.post(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="pay-1")

    assert (first.status_code, second.status_code) == (200, 200)
    assert second["Idempotent-Replayed"] == "true"
    assert second.json()["status"] == S.PAID
    assert ledger(variant) == (7, 0, 7)
    assert order_movements(order).count((MovementKind.OUT, 3)) == 1


# (steps to reach the source state, forbidden action, who acts, body)
FORBIDDEN = [
    pytest.param([], "ship", "seller", {"tracking_code": "X"}, id="PENDING-SHIPPED"),
    pytest.param([], "confirm-delivery", "buyer", None, id="PENDING-DELIVERED"),
    pytest.param(["mark-paid"], "mark-paid", "seller", None, id="PAID-PAID"),
    pytest.param(["mark-paid"], "confirm-delivery", "buyer", None, id="PAID-DELIVERED"),
    pytest.param(
        ["mark-paid", "ship"], "cancel", "buyer", None, id="SHIPPED-CANCELLED"
    ),
    pytest.param(["mark-paid", "ship"], "mark-paid", "seller", None, id="SHIPPED-PAID"),
    pytest.param(
        ["mark-paid", "ship"],
        "ship",
        "seller",
        {"tracking_code": "Y"},
        id="SHIPPED-SHIPPED",
    ),
    pytest.param(
        ["mark-paid", "ship", "confirm-delivery"],
        "cancel",
        "buyer",
        None,
        id="DELIVERED-CANCELLED",
    ),
    pytest.param(
        ["mark-paid", "ship", "confirm-delivery"],
        "ship",
        "seller",
        {"tracking_code": "Z"},
        id="DELIVERED-SHIPPED",
    ),
    pytest.param(["cancel"], "mark-paid", "seller", None, id="CANCELLED-PAID"),
    pytest.param(["cancel"], "cancel", "buyer", None, id="CANCELLED-CANCELLED"),
    pytest.param(
        ["mark-paid", "cancel"],
        "confirm-delivery",
        "buyer",
        None,
        id="CANCELLED-DELIVERED",
    ),
]
SETUP_ACTOR = {"mark-paid": "seller", "ship": "seller"}


@pytest.mark.parametrize(("steps", "action", "who", "body"), FORBIDDEN)
def test_d04_forbidden_transition_is_409_and_changes_nothing(
    order, variant, steps, action, who, body
):
    for step in steps:
        actor = order.organization.owner if step in SETUP_ACTOR else order.buyer
        act(order, step, actor, {"tracking_code": "BR1"} if step == "ship" else None)
    order.refresh_from_db()
    status_before, ledger_before = order.status, ledger(variant)
    movements_before = order_movements(order)
    transitions_before = OrderTransition.objects.filter(order=order).count()

    actor = order.organization.owner if who == "seller" else order.buyer
    response = act(order, action, actor, body)

    assert response.status_code == 409
    assert response.data["code"] == "INVALID_TRANSITION"
    assert response.data["details"]["order_id"] == str(order.pk)
    assert response.data["details"]["from_status"] == status_before
    order.refresh_from_db()
    assert order.status == status_before
    assert ledger(variant) == ledger_before
    assert order_movements(order) == movements_before
    assert OrderTransition.objects.filter(order=order).count() == transitions_before
    assert stock_discrepancies() == []


@pytest.mark.parametrize("tracking_code", ["", "   ", "x" * 101])
def test_d04_ship_needs_a_tracking_code_of_1_to_100_characters(order, tracking_code):
    as_seller(order, "mark-paid")

    response = as_seller(order, "ship", {"tracking_code": tracking_code})

    assert response.status_code == 400
    assert response.data["code"] == "VALIDATION_ERROR"
    assert "tracking_code" in response.data["details"]
    order.refresh_from_db()
    assert order.status == S.PAID


def test_d04_ship_without_body_is_400(order):
    as_seller(order, "mark-paid")

    response = as_seller(order, "ship")

    assert response.status_code == 400
    assert "tracking_code" in response.data["details"]


def test_d04_service_refuses_shipping_without_tracking_code(order):
    from rest_framework.exceptions import ValidationError

    order_transition(order_id=order.pk, to_status=S.PAID, actor=None)

    with pytest.raises(ValidationError):
        order_transition(order_id=order.pk, to_status=S.SHIPPED, actor=None)
    assert Order.objects.get(pk=order.pk).status == S.PAID


# --- Who may do what --------------------------------------------------------


def member(order, role: str):
    return MembershipFactory(organization=order.organization, role=role).user


@pytest.mark.parametrize("action", ["mark-paid", "ship"])
def test_m04_seller_admin_may_mark_paid_and_ship(order, action):
    admin = member(order, Role.ADMIN)
    if action == "ship":
        act(order, "mark-paid", admin)

    response = act(order, action, admin, {"tracking_code": "BR1"})

    assert response.status_code == 200


@pytest.mark.parametrize("action", ["mark-paid", "ship"])
def test_m05_seller_member_may_not_mark_paid_or_ship(order, action):
    response = act(order, action, member(order, Role.MEMBER), {"tracking_code": "A"})

    assert response.status_code == 403
    assert response.data["code"] == "PERMISSION_DENIED"


@pytest.mark.parametrize("action", ["mark-paid", "ship"])
def test_d04_buyer_may_not_mark_own_order_paid_or_ship_it(order, action):
    response = act(order, action, order.buyer, {"tracking_code": "A"})

    assert response.status_code == 403
    assert response.data["code"] == "PERMISSION_DENIED"


@pytest.mark.parametrize("action", ["cancel", "confirm-delivery"])
def test_d04_seller_members_may_not_act_for_the_buyer(order, action):
    response = act(order, action, order.organization.owner)

    assert response.status_code == 403
    assert response.data["code"] == "PERMISSION_DENIED"
    order.refresh_from_db()
    assert order.status == S.PENDING


@pytest.mark.parametrize("action", ["cancel", "confirm-delivery", "mark-paid", "ship"])
def test_d08_outsiders_get_404(order, action, user):
    response = act(order, action, user, {"tracking_code": "A"})

    assert response.status_code == 404
    assert response.data["code"] == "NOT_FOUND"


@pytest.mark.parametrize("action", ["cancel", "mark-paid"])
def test_d04_anonymous_gets_401(order, action, api_client):
    url = reverse(f"order-{action}", kwargs={"order_id": order.pk})

    response = api_client.post(url, {}, format="json")

    assert response.status_code == 401
    assert response.data["code"] == "NOT_AUTHENTICATED"


def test_d04_unknown_order_is_404(user_client):
    url = reverse("order-cancel", kwargs={"order_id": Order().pk})

    response = user_client.post(url, {}, format="json")

    assert response.status_code == 404


def test_o05_members_of_a_deleted_organization_no_longer_see_its_orders(order):
    from django.utils import timezone

    order.organization.deleted_at = timezone.now()
    order.organization.is_active = False
    order.organization.save(update_fields=["deleted_at", "is_active"])

    response = as_seller(order, "mark-paid")

    assert response.status_code == 404
    order.refresh_from_db()
    assert order.status == S.PENDING
