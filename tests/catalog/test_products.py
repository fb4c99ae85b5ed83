from datetime import timedelta
from unittest import mock

import pytest
from django.db import IntegrityError
from django.utils import timezone

from catalog.models import PriceHistory, Product, Variant
from inventory.models import StockBalance, StockMovement
from orgs.models import Role
from tests.catalog.factories import ProductFactory, VariantFactory, member_of
from tests.conftest import client_for
from tests.inventory.factories import stock_in
from tests.orgs.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def product_body(*skus: str, **extra) -> dict:
    return {
        "title": "Camiseta básica",
        "description": "Algodão orgânico",
        "variants": [
            {
                "sku": sku,
                "attributes": {"color": "black", "size": size},
                "price_cents": 4990 + index,
                "initial_stock": 3 + index,
            }
            for index, (sku, size) in enumerate(zip(skus, "SMLXYZ", strict=False))
        ],
        **extra,
    }


@pytest.fixture
def org():
    return OrganizationFactory()


@pytest.fixture
def admin_client(org):
    return client_for(member_of(org, Role.ADMIN))


@pytest.fixture
def member_client(org):
    return client_for(member_of(org, Role.MEMBER))


# --- P-01 / P-02 / creation in one transaction ----------------------------


def test_p01_created_product_belongs_to_the_organization(org, admin_client):
    response = admin_client.post(
        f"/organizations/{org.pk}/products", product_body("TS-S", "TS-M"), format="json"
    )

    assert response.status_code == 201, response.data
    body = response.data
    assert body["organization_id"] == str(org.pk)
    assert [v["sku"] for v in body["variants"]] == ["TS-S", "TS-M"]
    assert [v["price_cents"] for v in body["variants"]] == [4990, 4991]
    assert [v["available"] for v in body["variants"]] == [3, 4]
    assert body["variants"][0]["reserved"] == 0
    assert body["variants"][0]["on_hand"] == 3
    assert body["variants"][0]["currency"] == "BRL"
    assert Product.objects.get(pk=body["id"]).organization == org


def test_p01_another_organizations_product_is_not_found(org):
    product = ProductFactory()
    VariantFactory(product=product)
    outsider = client_for(org.owner)

    assert outsider.get(f"/products/{product.pk}").status_code == 404
    assert outsider.patch(f"/products/{product.pk}", {"title": "x"}).status_code == 404


def test_p01_create_writes_prices_balances_and_initial_in_movements(org):
    owner_client = client_for(org.owner)

    response = owner_client.post(
        f"/organizations/{org.pk}/products", product_body("A-1", "A-2"), format="json"
    )

    variants = Variant.objects.filter(product_id=response.data["id"])
    assert PriceHistory.objects.filter(variant__in=variants).count() == 2
    assert StockBalance.objects.filter(variant__in=variants).count() == 2
    movements = StockMovement.objects.filter(variant__in=variants)
    assert {(m.kind, m.qty, m.reason) for m in movements} == {
        ("IN", 3, "initial stock"),
        ("IN", 4, "initial stock"),
    }
    assert {m.audit_user_id for m in movements} == {org.owner.pk}


def test_p02_a_product_without_variants_is_refused(org, admin_client):
    empty = admin_client.post(
        f"/organizations/{org.pk}/products", product_body(), format="json"
    )
    missing = admin_client.post(
        f"/organizations/{org.pk}/products", {"title": "No variants"}, format="json"
    )

    assert empty.status_code == 400
    assert empty.data["code"] == "VALIDATION_ERROR"
    assert "variants" in empty.data["details"]
    assert missing.status_code == 400
    assert "variants" in missing.data["details"]
    assert not Product.objects.exists()


def test_p02_zero_initial_stock_makes_a_balance_and_no_movement(org, admin_client):
    body = product_body("Z-1")
    body["variants"][0]["initial_stock"] = 0

    response = admin_client.post(
        f"/organizations/{org.pk}/products", body, format="json"
    )

    assert response.status_code == 201
    variant = Variant.objects.get(sku="Z-1")
    assert StockBalance.objects.get(variant=variant).available == 0
    assert not StockMovement.objects.filter(variant=variant).exists()


def test_p03_sku_clash_in_the_second_variant_rolls_everything_back(org, admin_client):
    VariantFactory(product__organization=org, sku="TAKEN")
    before = (
        Product.objects.count(),
        PriceHistory.objects.count(),
        StockMovement.objects.count(),
    )

    response = admin_client.post(
        f"/organizations/{org.pk}/products",
        product_body("FREE", "TAKEN"),
        format="json",
    )

    assert response.status_code == 409
    assert response.data["code"] == "SKU_TAKEN"
    assert response.data["details"] == {"skus": ["TAKEN"]}
    after = (
        Product.objects.count(),
        PriceHistory.objects.count(),
        StockMovement.objects.count(),
    )
    assert after == before
    assert not Variant.objects.filter(sku="FREE").exists()


def test_p01_a_failure_after_the_inserts_leaves_nothing_behind(org, admin_client):
    with mock.patch(
        "catalog.services.stock_movements_record", side_effect=RuntimeError("boom")
    ):
        response = admin_client.post(
            f"/organizations/{org.pk}/products", product_body("R-1"), format="json"
        )

    assert response.status_code == 500
    assert response.data["code"] == "INTERNAL_ERROR"
    assert not Product.objects.exists()
    assert not Variant.objects.exists()
    assert not PriceHistory.objects.exists()
    assert not StockBalance.objects.exists()


def test_p03_duplicate_skus_in_one_request_are_refused(org, admin_client):
    response = admin_client.post(
        f"/organizations/{org.pk}/products", product_body("DUP", "DUP"), format="json"
    )

    assert response.status_code == 409
    assert response.data["code"] == "SKU_TAKEN"
    assert response.data["details"] == {"skus": ["DUP"]}
    assert not Product.objects.exists()


def test_p03_the_same_sku_is_free_in_another_organization(org, admin_client):
    VariantFactory(sku="SHARED")

    response = admin_client.post(
        f"/organizations/{org.pk}/products", product_body("SHARED"), format="json"
    )

    assert response.status_code == 201


def test_p03_a_new_variant_with_a_taken_sku_is_refused(org, admin_client):
    product = VariantFactory(product__organization=org, sku="V-1").product

    response = admin_client.post(
        f"/products/{product.pk}/variants",
        {"sku": "V-1", "price_cents": 100},
        format="json",
    )

    assert response.status_code == 409
    assert response.data["code"] == "SKU_TAKEN"
    assert Variant.objects.filter(sku="V-1").count() == 1


def test_p03_the_database_enforces_sku_per_organization(org):
    variant = VariantFactory(product__organization=org, sku="DB-1")

    with pytest.raises(IntegrityError):
        Variant.objects.create(product=variant.product, organization=org, sku="DB-1")


# --- P-04 attributes -------------------------------------------------------


@pytest.mark.parametrize(
    "attributes",
    [{"size": 42}, {"size": {"eu": "42"}}, ["black"], "black", {"": "x"}],
)
def test_p04_attributes_must_be_a_flat_object_of_strings(org, admin_client, attributes):
    body = product_body("P4")
    body["variants"][0]["attributes"] = attributes

    response = admin_client.post(
        f"/organizations/{org.pk}/products", body, format="json"
    )

    assert response.status_code == 400
    assert "variants.0.attributes" in response.data["details"]


def test_p04_patch_variant_replaces_attributes(org, admin_client):
    variant = VariantFactory(product__organization=org)

    response = admin_client.patch(
        f"/variants/{variant.pk}",
        {"attributes": {"color": "red", "size": "G"}},
        format="json",
    )

    assert response.status_code == 200
    assert response.data["attributes"] == {"color": "red", "size": "G"}
    variant.refresh_from_db()
    assert variant.attributes == {"color": "red", "size": "G"}


@pytest.mark.parametrize("field", ["price_cents", "amount_cents", "sku"])
def test_p05_price_and_sku_sent_to_patch_variant_are_refused(org, admin_client, field):
    variant = VariantFactory(product__organization=org, sku="KEEP")

    response = admin_client.patch(
        f"/variants/{variant.pk}",
        {"attributes": {"color": "red"}, field: 5},
        format="json",
    )

    assert response.status_code == 400
    assert field in response.data["details"]
    variant.refresh_from_db()
    assert variant.attributes == {"color": "black"}
    assert variant.sku == "KEEP"


# --- P-05 / P-06 prices ----------------------------------------------------


def test_p05_a_price_change_appends_a_row_and_keeps_the_old_one(org, admin_client):
    variant = VariantFactory(product__organization=org, price_cents=1000)
    first = PriceHistory.objects.get(variant=variant)

    response = admin_client.post(
        f"/variants/{variant.pk}/prices", {"amount_cents": 1200}, format="json"
    )

    assert response.status_code == 201
    assert response.data["amount_cents"] == 1200
    assert response.data["currency"] == "BRL"
    rows = PriceHistory.objects.filter(variant=variant)
    assert rows.count() == 2
    first_again = rows.get(pk=first.pk)
    assert first_again.amount_cents == 1000
    assert first_again.valid_from == first.valid_from


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"amount_cents": 0}, "amount_cents"),
        ({"amount_cents": -5}, "amount_cents"),
        ({"amount_cents": 100, "currency": "brl"}, "currency"),
        ({"amount_cents": 100, "valid_from": "2000-01-01T00:00:00Z"}, "valid_from"),
    ],
)
def test_p05_invalid_or_past_prices_are_refused(org, admin_client, body, field):
    variant = VariantFactory(product__organization=org)

    response = admin_client.post(f"/variants/{variant.pk}/prices", body, format="json")

    assert response.status_code == 400
    assert field in response.data["details"]
    assert PriceHistory.objects.filter(variant=variant).count() == 1


def test_p05_the_code_offers_no_way_to_change_or_delete_a_price():
    from django.contrib.admin.sites import site

    price_admin = site._registry[PriceHistory]

    assert not price_admin.has_add_permission(mock.Mock())
    assert not price_admin.has_change_permission(mock.Mock())
    assert not price_admin.has_delete_permission(mock.Mock())


def test_p06_current_price_is_the_latest_row_already_valid(org, member_client):
    variant = VariantFactory(product__organization=org, price_cents=1000)
    PriceHistory.objects.create(
        variant=variant, amount_cents=900, valid_from=timezone.now()
    )
    PriceHistory.objects.create(
        variant=variant,
        amount_cents=700,
        valid_from=timezone.now() + timedelta(days=1),
    )

    response = member_client.get(f"/products/{variant.product_id}")

    assert response.data["variants"][0]["price_cents"] == 900


def test_p06_a_scheduled_price_takes_effect_at_valid_from(org, admin_client):
    variant = VariantFactory(product__organization=org, price_cents=1000)
    response = admin_client.post(
        f"/variants/{variant.pk}/prices",
        {
            "amount_cents": 800,
            "valid_from": (timezone.now() + timedelta(hours=1)).isoformat(),
        },
        format="json",
    )
    assert response.status_code == 201

    before = admin_client.get(f"/products/{variant.product_id}")
    # Time passes: the test moves the row's start to now, after the first one.
    scheduled = PriceHistory.objects.filter(pk=response.data["id"])
    scheduled.update(valid_from=timezone.now())
    after = admin_client.get(f"/products/{variant.product_id}")

    assert before.data["variants"][0]["price_cents"] == 1000
    assert after.data["variants"][0]["price_cents"] == 800


def test_p06_prices_list_shows_the_whole_history(org, member_client):
    variant = VariantFactory(product__organization=org, price_cents=1000)
    PriceHistory.objects.create(
        variant=variant,
        amount_cents=1500,
        valid_from=timezone.now() + timedelta(days=2),
    )

    response = member_client.get(f"/variants/{variant.pk}/prices")

    assert response.status_code == 200
    assert [row["amount_cents"] for row in response.data["results"]] == [1500, 1000]
    assert set(response.data["results"][0]) == {
        "id",
        "variant_id",
        "amount_cents",
        "currency",
        "valid_from",
        "created_at",
    }


# --- Products: update, delete, lists ----------------------------------------


def test_patch_product_changes_title_and_activity(org, admin_client):
    product = VariantFactory(product__organization=org).product

    response = admin_client.patch(
        f"/products/{product.pk}", {"title": "New", "is_active": False}, format="json"
    )

    assert response.status_code == 200
    assert (response.data["title"], response.data["is_active"]) == ("New", False)
    product.refresh_from_db()
    assert (product.title, product.is_active) == ("New", False)


def test_deleted_product_is_soft_deleted_and_not_found_everywhere(org, admin_client):
    variant = VariantFactory(product__organization=org)
    product = variant.product

    response = admin_client.delete(f"/products/{product.pk}")

    assert response.status_code == 204
    product.refresh_from_db()
    assert product.deleted_at is not None
    assert admin_client.get(f"/products/{product.pk}").status_code == 404
    assert admin_client.delete(f"/products/{product.pk}").status_code == 404
    assert admin_client.get(f"/variants/{variant.pk}/prices").status_code == 404
    assert admin_client.get(f"/catalog/{product.pk}").status_code == 404
    listed = admin_client.get(f"/organizations/{org.pk}/products").data["results"]
    assert listed == []


def test_organization_products_include_inactive_and_exclude_deleted(org, member_client):
    active = VariantFactory(product__organization=org).product
    inactive = VariantFactory(
        product__organization=org, product__is_active=False
    ).product
    VariantFactory(product__organization=org, product__deleted_at=timezone.now())
    VariantFactory()  # another organization's

    response = member_client.get(f"/organizations/{org.pk}/products")

    assert response.status_code == 200
    ids = {row["id"] for row in response.data["results"]}
    assert ids == {str(active.pk), str(inactive.pk)}
    assert set(response.data) == {"next", "previous", "results"}


def test_new_variant_gets_price_and_initial_stock(org, admin_client):
    product = VariantFactory(product__organization=org).product

    response = admin_client.post(
        f"/products/{product.pk}/variants",
        {
            "sku": "NEW-1",
            "attributes": {"size": "XL"},
            "price_cents": 2500,
            "currency": "USD",
            "initial_stock": 7,
        },
        format="json",
        HTTP_IDEMPOTENCY_KEY="variant-1",
    )

    assert response.status_code == 201
    assert response.data["price_cents"] == 2500
    assert response.data["currency"] == "USD"
    assert response.data["available"] == 7
    assert response.data["product_id"] == str(product.pk)


def test_create_product_is_idempotent(org, admin_client):
    body = product_body("IDEM-1")

    url = f"/organizations/{org.pk}/products"

    first = admin_client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    again = admin_client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="k1")

    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert Product.objects.count() == 1
    assert StockMovement.objects.count() == 1


def test_seller_variant_shows_reserved_and_on_hand(org, member_client):
    variant = VariantFactory(product__organization=org)
    stock_in(variant, 10)
    balance = StockBalance.objects.get(variant=variant)
    balance.available, balance.reserved = 7, 3
    balance.save()

    response = member_client.get(f"/products/{variant.product_id}")

    row = response.data["variants"][0]
    assert (row["available"], row["reserved"], row["on_hand"]) == (7, 3, 10)
