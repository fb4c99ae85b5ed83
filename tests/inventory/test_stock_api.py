import pytest
from django.utils import timezone

from inventory.models import MovementKind, StockBalance, StockMovement
from inventory.services import Movement, stock_movements_record
from orgs.models import Role
from tests.accounts.factories import UserFactory
from tests.catalog.factories import VariantFactory
from tests.conftest import client_for
from tests.inventory.factories import stock_in
from tests.orgs.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def member_client(variant, role=Role.MEMBER):
    if role == Role.OWNER:
        owner = variant.organization.owner
        return owner, client_for(owner)
    user = UserFactory()
    MembershipFactory(organization=variant.organization, user=user, role=role)
    return user, client_for(user)


def post_movement(client, variant, **body):
    return client.post(
        f"/variants/{variant.pk}/stock/movements",
        {"reason": "restock"} | body,
        format="json",
    )


def balance(variant) -> tuple[int, int]:
    row = StockBalance.objects.get(variant=variant)
    return row.available, row.reserved


def test_s01_s05_member_posts_an_in_movement_and_gets_its_shape():
    variant = VariantFactory()
    _user, client = member_client(variant)

    response = post_movement(
        client, variant, kind="IN", qty=5, ref_type="invoice", ref_id="NF-123"
    )

    assert response.status_code == 201
    body = response.json()
    assert set(body) == {
        "id",
        "variant_id",
        "kind",
        "qty",
        "reason",
        "ref_type",
        "ref_id",
        "audit_user_id",
        "created_at",
    }
    assert body["variant_id"] == str(variant.pk)
    assert (body["kind"], body["qty"], body["reason"]) == ("IN", 5, "restock")
    assert (body["ref_type"], body["ref_id"]) == ("invoice", "NF-123")
    assert body["created_at"].endswith("Z")
    assert balance(variant) == (5, 0)


def test_s06_every_api_movement_records_its_author():
    variant = VariantFactory()
    user, client = member_client(variant)

    response = post_movement(client, variant, kind="IN", qty=2)

    assert response.json()["audit_user_id"] == str(user.pk)
    assert StockMovement.objects.get(variant=variant).audit_user == user


def test_s06_adjust_needs_admin_member_gets_403():
    variant = VariantFactory()
    stock_in(variant, 4)
    _, client = member_client(variant)

    response = post_movement(client, variant, kind="ADJUST", qty=-1)

    assert response.status_code == 403
    assert response.json()["code"] == "PERMISSION_DENIED"
    assert balance(variant) == (4, 0)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.OWNER])
def test_s06_admin_and_owner_post_signed_adjustments(role):
    variant = VariantFactory()
    stock_in(variant, 4)
    _, client = member_client(variant, role=role)

    down = post_movement(client, variant, kind="ADJUST", qty=-3, reason="count")
    up = post_movement(client, variant, kind="ADJUST", qty=2, reason="found")

    assert (down.status_code, up.status_code) == (201, 201)
    assert down.json()["qty"] == -3
    assert balance(variant) == (3, 0)


@pytest.mark.parametrize(
    "kind, qty",
    [
        ("IN", 0),
        ("IN", -1),
        ("OUT", 0),
        ("OUT", -2),
        ("ADJUST", 0),
    ],
)
def test_s02_qty_sign_is_validated(kind, qty):
    variant = VariantFactory()
    _, client = member_client(variant, role=Role.ADMIN)

    response = post_movement(client, variant, kind=kind, qty=qty)

    assert response.status_code == 400
    assert response.json()["code"] == "VALIDATION_ERROR"
    assert "qty" in response.json()["details"]
    assert not StockMovement.objects.exists()


@pytest.mark.parametrize("kind", ["RESERVATION", "RELEASE", "THEFT"])
def test_s02_only_in_out_adjust_may_be_posted(kind):
    variant = VariantFactory()
    _, client = member_client(variant, role=Role.OWNER)

    response = post_movement(client, variant, kind=kind, qty=1)

    assert response.status_code == 400
    assert "kind" in response.json()["details"]
    assert not StockMovement.objects.exists()


@pytest.mark.parametrize("reason", ["", "x" * 201])
def test_s05_reason_is_required_and_at_most_200_characters(reason):
    variant = VariantFactory()
    _, client = member_client(variant)

    response = post_movement(client, variant, kind="IN", qty=1, reason=reason)

    assert response.status_code == 400
    assert "reason" in response.json()["details"]


def test_s04_out_beyond_available_is_409_and_writes_nothing():
    variant = VariantFactory()
    stock_in(variant, 3)
    _, client = member_client(variant)

    response = post_movement(client, variant, kind="OUT", qty=4, reason="sold")

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "INSUFFICIENT_STOCK"
    assert body["details"] == {
        "variant_id": str(variant.pk),
        "requested": 4,
        "available": 3,
    }
    assert balance(variant) == (3, 0)
    assert StockMovement.objects.filter(variant=variant).count() == 1


def test_s04_negative_adjust_beyond_available_is_409():
    variant = VariantFactory()
    stock_in(variant, 1)
    _, client = member_client(variant, role=Role.ADMIN)

    response = post_movement(client, variant, kind="ADJUST", qty=-2)

    assert response.status_code == 409
    assert response.json()["code"] == "INSUFFICIENT_STOCK"


def test_d01_stock_movement_post_is_idempotent():
    variant = VariantFactory()
    _, client = member_client(variant)
    body = {"kind": "IN", "qty": 3, "reason": "delivery"}
    url = f"/variants/{variant.pk}/stock/movements"

    first = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    again = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="k1")

    assert (first.status_code, again.status_code) == (201, 201)
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert balance(variant) == (3, 0)


def test_s03_balance_endpoint_reports_available_reserved_on_hand():
    variant = VariantFactory()
    stock_in(variant, 10)
    stock_movements_record(
        movements=[
            Movement(variant.pk, MovementKind.RESERVATION, 4, "order"),
            Movement(variant.pk, MovementKind.OUT, 1, "sold"),
        ],
        user=None,
    )
    _, client = member_client(variant)

    response = client.get(f"/variants/{variant.pk}/stock/balance")

    assert response.status_code == 200
    assert response.json() == {
        "variant_id": str(variant.pk),
        "available": 5,
        "reserved": 4,
        "on_hand": 9,
    }


def test_s03_balance_of_a_variant_without_movements_is_zero():
    variant = VariantFactory()
    _, client = member_client(variant)

    response = client.get(f"/variants/{variant.pk}/stock/balance")

    assert response.json() == {
        "variant_id": str(variant.pk),
        "available": 0,
        "reserved": 0,
        "on_hand": 0,
    }


def test_s03_balance_read_costs_the_same_however_long_the_ledger(
    django_assert_max_num_queries,
):
    variant = VariantFactory()
    for _ in range(30):
        stock_in(variant, 1)
    _, client = member_client(variant)

    # Auth, membership, variant, balance row: the ledger is never read.
    with django_assert_max_num_queries(5) as captured:
        response = client.get(f"/variants/{variant.pk}/stock/balance")

    assert response.json()["available"] == 30
    assert not any("stockmovement" in q["sql"] for q in captured.captured_queries)


def test_s01_movements_list_is_newest_first_and_paginated():
    variant = VariantFactory()
    for qty in range(1, 6):
        stock_in(variant, qty)
    _, client = member_client(variant)

    first = client.get(f"/variants/{variant.pk}/stock/movements?page_size=3").json()
    second = client.get(first["next"]).json()

    assert [m["qty"] for m in first["results"]] == [5, 4, 3]
    assert [m["qty"] for m in second["results"]] == [2, 1]
    assert second["next"] is None


def test_s02_movements_list_filters_by_kind():
    variant = VariantFactory()
    stock_in(variant, 5)
    _user, client = member_client(variant)
    post_movement(client, variant, kind="OUT", qty=2, reason="sold")

    outs = client.get(f"/variants/{variant.pk}/stock/movements?kind=OUT").json()
    bad = client.get(f"/variants/{variant.pk}/stock/movements?kind=NOPE")

    assert [(m["kind"], m["qty"]) for m in outs["results"]] == [("OUT", 2)]
    assert bad.status_code == 400
    assert "kind" in bad.json()["details"]


def test_stock_endpoints_hide_the_variant_from_outsiders():
    variant = VariantFactory()
    outsider = client_for(UserFactory())

    responses = [
        outsider.get(f"/variants/{variant.pk}/stock/balance"),
        outsider.get(f"/variants/{variant.pk}/stock/movements"),
        post_movement(outsider, variant, kind="IN", qty=1),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404]
    assert {r.json()["code"] for r in responses} == {"NOT_FOUND"}
    assert not StockMovement.objects.exists()


def test_stock_endpoints_need_authentication(api_client):
    variant = VariantFactory()

    response = api_client.get(f"/variants/{variant.pk}/stock/balance")

    assert response.status_code == 401


@pytest.mark.parametrize("deleted", ["product", "organization"])
def test_stock_of_a_deleted_product_or_organization_is_404(deleted):
    variant = VariantFactory()
    _, client = member_client(variant)
    if deleted == "product":
        variant.product.deleted_at = timezone.now()
        variant.product.save()
    else:
        variant.organization.deleted_at = timezone.now()
        variant.organization.is_active = False
        variant.organization.save()

    response = post_movement(client, variant, kind="IN", qty=1)

    assert response.status_code == 404
    assert client.get(f"/variants/{variant.pk}/stock/balance").status_code == 404


def test_unknown_variant_is_404(user_client):
    response = user_client.get(
        "/variants/0190a000-0000-7000-8000-000000000000/stock/balance"
    )

    assert response.status_code == 404
