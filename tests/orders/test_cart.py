from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from catalog.models import PriceHistory
from orders.models import Cart, CartItem, CartStatus
from orders.tasks import carts_expire
from tests.accounts.factories import UserFactory
from tests.catalog.factories import ProductFactory, VariantFactory
from tests.conftest import client_for
from tests.inventory.factories import stock_in
from tests.orders.factories import CartFactory, open_cart

pytestmark = pytest.mark.django_db


def in_stock(qty=10, **kwargs):
    variant = VariantFactory(**kwargs)
    stock_in(variant, qty)
    return variant


def add(client, variant, qty=1, **extra):
    return client.post(
        "/cart/items",
        {"variant_id": str(variant.pk), "qty": qty},
        format="json",
        **extra,
    )


def age(cart, hours):
    Cart.objects.filter(pk=cart.pk).update(
        updated_at=timezone.now() - timedelta(hours=hours)
    )


def test_c01_adding_creates_the_cart_of_the_variants_organization(user_client, user):
    variant = in_stock(price_cents=2500)

    response = add(user_client, variant, qty=2)

    assert response.status_code == 201
    cart = response.json()
    assert set(cart) == {
        "id",
        "organization_id",
        "status",
        "items",
        "total_cents",
        "currency",
        "expires_at",
        "updated_at",
    }
    assert cart["organization_id"] == str(variant.organization_id)
    assert cart["status"] == "OPEN"
    assert cart["total_cents"] == 5000
    assert cart["currency"] == "BRL"
    (item,) = cart["items"]
    assert item == {
        "id": item["id"],
        "variant_id": str(variant.pk),
        "sku": variant.sku,
        "product_title": variant.product.title,
        "qty": 2,
        "price_snapshot_cents": 2500,
        "line_total_cents": 5000,
    }
    assert Cart.objects.get().buyer == user


def test_c01_one_open_cart_per_organization(user_client, user):
    first = in_stock()
    same_org = in_stock(product=ProductFactory(organization=first.organization))
    other_org = in_stock()

    add(user_client, first)
    add(user_client, same_org)
    add(user_client, other_org)

    carts = Cart.objects.filter(buyer=user, status=CartStatus.OPEN)
    assert carts.count() == 2
    assert carts.get(organization=first.organization).items.count() == 2


def test_c01_adding_the_same_variant_raises_its_quantity(user_client):
    variant = in_stock()

    add(user_client, variant, qty=2)
    response = add(user_client, variant, qty=3)

    assert [i["qty"] for i in response.json()["items"]] == [5]
    assert CartItem.objects.get().qty == 5


def test_c01_a_converted_cart_is_replaced_by_a_new_open_one(user_client, user):
    variant = in_stock()
    old = CartFactory(buyer=user, organization=variant.organization)
    Cart.objects.filter(pk=old.pk).update(status=CartStatus.CONVERTED)

    response = add(user_client, variant)

    assert response.json()["id"] != str(old.pk)
    assert Cart.objects.filter(buyer=user, status=CartStatus.OPEN).count() == 1


def test_c02_adding_more_than_available_is_409(user_client):
    variant = in_stock(qty=3)

    response = add(user_client, variant, qty=4)

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "INSUFFICIENT_STOCK"
    assert body["details"] == {
        "variant_id": str(variant.pk),
        "requested": 4,
        "available": 3,
    }
    assert not CartItem.objects.exists()


def test_c02_raising_by_adding_again_checks_the_resulting_quantity(user_client):
    variant = in_stock(qty=3)
    add(user_client, variant, qty=2)

    response = add(user_client, variant, qty=2)

    assert response.status_code == 409
    assert response.json()["details"]["requested"] == 4
    assert CartItem.objects.get().qty == 2


def test_c02_raising_with_patch_checks_stock(user_client):
    variant = in_stock(qty=3)
    item_id = add(user_client, variant).json()["items"][0]["id"]

    too_many = user_client.patch(f"/cart/items/{item_id}", {"qty": 4}, format="json")
    fine = user_client.patch(f"/cart/items/{item_id}", {"qty": 3}, format="json")

    assert too_many.status_code == 409
    assert too_many.json()["code"] == "INSUFFICIENT_STOCK"
    assert fine.status_code == 200
    assert fine.json()["items"][0]["qty"] == 3


def test_c02_lowering_a_quantity_needs_no_stock(user_client):
    variant = in_stock(qty=3)
    item_id = add(user_client, variant, qty=3).json()["items"][0]["id"]
    variant.product.is_active = False
    variant.product.save()

    response = user_client.patch(f"/cart/items/{item_id}", {"qty": 1}, format="json")

    assert response.status_code == 200
    assert CartItem.objects.get().qty == 1


def test_c02_a_cart_check_holds_no_stock(user_client):
    variant = in_stock(qty=3)

    add(user_client, variant, qty=3)
    other = add(client_for(UserFactory()), variant, qty=3)

    assert other.status_code == 201
    assert variant.balance.available == 3


@pytest.mark.parametrize("qty", [0, -1, "x", None])
def test_c02_quantity_must_be_a_positive_integer(user_client, qty):
    variant = in_stock()

    response = user_client.post(
        "/cart/items", {"variant_id": str(variant.pk), "qty": qty}, format="json"
    )

    assert response.status_code == 400
    assert "qty" in response.json()["details"]


def test_c02_patch_quantity_must_be_positive(user_client):
    variant = in_stock()
    item_id = add(user_client, variant).json()["items"][0]["id"]

    response = user_client.patch(f"/cart/items/{item_id}", {"qty": 0}, format="json")

    assert response.status_code == 400
    assert "qty" in response.json()["details"]


def test_c03_items_keep_the_price_seen_when_added(user_client):
    variant = in_stock(price_cents=1000)
    add(user_client, variant)
    PriceHistory.objects.create(
        variant=variant, amount_cents=1500, valid_from=timezone.now()
    )

    again = add(user_client, variant)

    # Raising the quantity keeps the snapshot; checkout reports the drift.
    assert again.json()["items"][0]["price_snapshot_cents"] == 1000
    assert again.json()["total_cents"] == 2000


def test_c03_a_future_price_is_not_the_snapshot(user_client):
    variant = in_stock(price_cents=1000)
    PriceHistory.objects.create(
        variant=variant,
        amount_cents=9000,
        valid_from=timezone.now() + timedelta(days=1),
    )

    response = add(user_client, variant)

    assert response.json()["items"][0]["price_snapshot_cents"] == 1000


@pytest.mark.parametrize("change", ["inactive", "deleted", "organization_deleted"])
def test_c_inactive_or_deleted_products_cannot_be_added(user_client, change):
    variant = in_stock()
    if change == "inactive":
        variant.product.is_active = False
        variant.product.save()
    elif change == "deleted":
        variant.product.deleted_at = timezone.now()
        variant.product.save()
    else:
        variant.organization.deleted_at = timezone.now()
        variant.organization.is_active = False
        variant.organization.save()

    response = add(user_client, variant)

    assert response.status_code == 409
    assert response.json()["code"] == "PRODUCT_UNAVAILABLE"
    assert not Cart.objects.exists()


def test_c_unknown_variant_is_404(user_client):
    response = user_client.post(
        "/cart/items",
        {"variant_id": "0190a000-0000-7000-8000-000000000000", "qty": 1},
        format="json",
    )

    assert response.status_code == 404
    assert response.json()["code"] == "NOT_FOUND"


def test_c_delete_removes_the_item_and_keeps_the_cart_open(user_client):
    variant = in_stock()
    item_id = add(user_client, variant).json()["items"][0]["id"]

    response = user_client.delete(f"/cart/items/{item_id}")

    assert response.status_code == 204
    cart = Cart.objects.get()
    assert cart.status == CartStatus.OPEN
    assert not cart.items.exists()
    assert user_client.get("/cart").json()["results"][0]["items"] == []


def test_c_another_users_items_are_404(user_client):
    stranger = UserFactory()
    cart = open_cart(stranger, (in_stock(), 1))
    item = cart.items.get()

    patch = user_client.patch(f"/cart/items/{item.pk}", {"qty": 2}, format="json")
    delete = user_client.delete(f"/cart/items/{item.pk}")

    assert (patch.status_code, delete.status_code) == (404, 404)
    item.refresh_from_db()
    assert item.qty == 1


def test_c_items_of_a_cart_no_longer_open_are_409(user_client, user):
    cart = open_cart(user, (in_stock(), 1))
    Cart.objects.filter(pk=cart.pk).update(status=CartStatus.CONVERTED)
    item = cart.items.get()

    patch = user_client.patch(f"/cart/items/{item.pk}", {"qty": 2}, format="json")
    delete = user_client.delete(f"/cart/items/{item.pk}")

    assert (patch.status_code, delete.status_code) == (409, 409)
    assert patch.json()["code"] == "CART_NOT_OPEN"
    assert CartItem.objects.filter(pk=item.pk).exists()


def test_c_get_cart_lists_open_carts_as_a_cursor_page(user_client, user):
    mine = open_cart(user, (in_stock(price_cents=300), 2))
    open_cart(UserFactory(), (in_stock(), 1))
    converted = open_cart(user, (in_stock(), 1))
    Cart.objects.filter(pk=converted.pk).update(status=CartStatus.CONVERTED)

    response = user_client.get("/cart")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"next", "previous", "results"}
    assert [c["id"] for c in body["results"]] == [str(mine.pk)]
    assert body["results"][0]["total_cents"] == 600


def test_c04_every_change_touches_updated_at_and_expires_at(user_client, user):
    variant = in_stock()
    cart = open_cart(user, (variant, 1))
    age(cart, hours=23)
    item = cart.items.get()

    response = user_client.patch(f"/cart/items/{item.pk}", {"qty": 2}, format="json")

    cart.refresh_from_db()
    assert timezone.now() - cart.updated_at < timedelta(minutes=1)
    expires = response.json()["expires_at"]
    assert expires.endswith("Z")
    assert expires.startswith(
        (cart.updated_at + timedelta(hours=24)).strftime("%Y-%m-%dT%H:%M")
    )


def test_c04_expire_job_marks_carts_idle_for_24_hours(user):
    idle = open_cart(user, (in_stock(), 1))
    fresh = open_cart(UserFactory(), (in_stock(), 1))
    age(idle, hours=25)
    age(fresh, hours=23)

    expired = carts_expire.delay().get()
    again = carts_expire.delay().get()

    assert (expired, again) == (1, 0)
    idle.refresh_from_db()
    fresh.refresh_from_db()
    assert (idle.status, fresh.status) == (CartStatus.EXPIRED, CartStatus.OPEN)


def test_c04_expire_carts_command_does_the_same(user, capsys):
    idle = open_cart(user, (in_stock(), 1))
    age(
        idle,
        hours=24,
    )

    call_command("expire_carts")

    idle.refresh_from_db()
    assert idle.status == CartStatus.EXPIRED
    assert "Expired 1 cart" in capsys.readouterr().out


def test_c04_a_cart_past_24_hours_is_expired_even_before_the_job(user_client, user):
    variant = in_stock()
    stale = open_cart(user, (variant, 1))
    age(stale, hours=25)
    item = stale.items.get()

    listed = user_client.get("/cart").json()["results"]
    patch = user_client.patch(f"/cart/items/{item.pk}", {"qty": 2}, format="json")
    added = add(user_client, variant)

    assert listed == []
    assert patch.json()["code"] == "CART_NOT_OPEN"
    assert added.status_code == 201
    assert added.json()["id"] != str(stale.pk)
    stale.refresh_from_db()
    assert stale.status == CartStatus.EXPIRED


def test_c_cart_add_is_idempotent(user_client):
    variant = in_stock()

    first = add(user_client, variant, qty=2, HTTP_IDEMPOTENCY_KEY="add-1")
    again = add(user_client, variant, qty=2, HTTP_IDEMPOTENCY_KEY="add-1")

    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert CartItem.objects.get().qty == 2
