import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalog.models import PriceHistory, Variant
from inventory.models import MovementKind
from inventory.services import Movement, stock_movement_record
from orgs.models import Role
from orgs.services.organizations import organization_delete
from reviews.models import Review
from tests.accounts.factories import UserFactory
from tests.catalog.factories import (
    ProductFactory,
    VariantFactory,
    member_of,
    sellable_product,
)
from tests.conftest import client_for
from tests.inventory.factories import stock_in
from tests.orgs.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def listed_ids(client, query: str = "") -> list[str]:
    response = client.get(f"/catalog{query}")
    assert response.status_code == 200, response.data
    return [row["id"] for row in response.data["results"]]


# --- P-07: what the catalog shows ------------------------------------------


def test_p07_catalog_entry_has_the_contract_fields(api_client):
    product = sellable_product(price_cents=2590, product__title="Mochila")
    VariantFactory(product=product, price_cents=100)  # cheaper, but no stock
    pricier = VariantFactory(product=product, price_cents=3000)
    stock_in(pricier, 1)

    response = api_client.get("/catalog")

    assert response.status_code == 200
    (entry,) = response.data["results"]
    assert entry == {
        "id": str(product.pk),
        "title": "Mochila",
        "organization": {
            "id": str(product.organization.pk),
            "name": product.organization.name,
            "slug": product.organization.slug,
        },
        "price_from_cents": 2590,
        "currency": "BRL",
        "image_url": None,
        "rating_avg": None,
        "review_count": 0,
        "created_at": entry["created_at"],
    }
    assert entry["created_at"].endswith("Z")


def test_p07_detail_shows_public_variants_without_reserved(api_client):
    product = sellable_product(price_cents=1500, stock=4)

    response = api_client.get(f"/catalog/{product.pk}")

    assert response.status_code == 200
    assert response.data["description"] == product.description
    assert response.data["images"] == []
    (variant,) = response.data["variants"]
    assert set(variant) == {
        "id",
        "product_id",
        "sku",
        "attributes",
        "price_cents",
        "currency",
        "available",
        "created_at",
    }
    assert (variant["price_cents"], variant["available"]) == (1500, 4)


def test_p07_products_that_must_not_show_are_hidden(api_client):
    shown = sellable_product()
    no_stock = sellable_product(stock=0)
    inactive = sellable_product(product__is_active=False)
    deleted = sellable_product(product__deleted_at=timezone.now())
    org_inactive = sellable_product(product__organization__is_active=False)
    org_deleted = sellable_product(
        product__organization__deleted_at=timezone.now(),
        product__organization__is_active=False,
    )

    assert listed_ids(api_client) == [str(shown.pk)]
    for hidden in [no_stock, inactive, deleted, org_inactive, org_deleted]:
        assert api_client.get(f"/catalog/{hidden.pk}").status_code == 404
        assert api_client.get(f"/catalog/{hidden.pk}/reviews").status_code == 404


def test_p07_out_of_stock_disappears_and_reappears_through_the_cache(
    api_client, commit
):
    product = sellable_product(stock=2)
    variant = product.variants.get()
    assert listed_ids(api_client) == [str(product.pk)]
    assert api_client.get(f"/catalog/{product.pk}").status_code == 200

    with commit():
        stock_movement_record(
            movement=Movement(variant.pk, MovementKind.OUT, 2, "sold"), user=None
        )
    assert listed_ids(api_client) == []
    assert api_client.get(f"/catalog/{product.pk}").status_code == 404

    with commit():
        stock_in(variant, 1)
    assert listed_ids(api_client) == [str(product.pk)]
    detail = api_client.get(f"/catalog/{product.pk}").data
    assert detail["variants"][0]["available"] == 1


def test_p07_inactive_disappears_and_reappears_through_the_cache(api_client, commit):
    product = sellable_product()
    admin = client_for(member_of(product.organization, Role.ADMIN))
    assert listed_ids(api_client) == [str(product.pk)]
    assert api_client.get(f"/catalog/{product.pk}").status_code == 200

    with commit():
        admin.patch(f"/products/{product.pk}", {"is_active": False}, format="json")
    assert listed_ids(api_client) == []
    assert api_client.get(f"/catalog/{product.pk}").status_code == 404

    with commit():
        admin.patch(f"/products/{product.pk}", {"is_active": True}, format="json")
    assert listed_ids(api_client) == [str(product.pk)]
    assert api_client.get(f"/catalog/{product.pk}").status_code == 200


def test_p07_deleted_product_disappears_through_the_cache(api_client, commit):
    product = sellable_product()
    admin = client_for(member_of(product.organization, Role.ADMIN))
    assert listed_ids(api_client) == [str(product.pk)]
    assert api_client.get(f"/catalog/{product.pk}").status_code == 200

    with commit():
        assert admin.delete(f"/products/{product.pk}").status_code == 204

    assert listed_ids(api_client) == []
    assert api_client.get(f"/catalog/{product.pk}").status_code == 404


def test_p07_deleted_organization_disappears_through_the_cache(api_client, commit):
    product = sellable_product()
    organization = product.organization
    assert listed_ids(api_client) == [str(product.pk)]
    assert api_client.get(f"/catalog/{product.pk}").status_code == 200

    with commit():
        organization_delete(organization_id=organization.pk, user=organization.owner)

    assert listed_ids(api_client) == []
    assert api_client.get(f"/catalog/{product.pk}").status_code == 404


def test_p07_inactive_organization_disappears_and_reappears(api_client):
    product = sellable_product()
    organization = product.organization

    organization.is_active = False
    organization.save()
    hidden = listed_ids(api_client, "?page_size=10")
    organization.is_active = True
    organization.save()
    shown = listed_ids(api_client, "?page_size=11")

    assert hidden == []
    assert shown == [str(product.pk)]


def test_p07_a_new_product_shows_through_the_cache(api_client, commit):
    organization = OrganizationFactory()
    admin = client_for(organization.owner)
    assert listed_ids(api_client) == []

    with commit():
        response = admin.post(
            f"/organizations/{organization.pk}/products",
            {
                "title": "Caneca",
                "variants": [{"sku": "C-1", "price_cents": 900, "initial_stock": 1}],
            },
            format="json",
        )

    assert listed_ids(api_client) == [response.data["id"]]


def test_p07_a_price_change_shows_through_the_cache(api_client, commit):
    product = sellable_product(price_cents=1000)
    admin = client_for(product.organization.owner)
    variant = product.variants.get()
    assert api_client.get("/catalog").data["results"][0]["price_from_cents"] == 1000

    with commit():
        admin.post(
            f"/variants/{variant.pk}/prices", {"amount_cents": 700}, format="json"
        )

    assert api_client.get("/catalog").data["results"][0]["price_from_cents"] == 700
    detail = api_client.get(f"/catalog/{product.pk}").data
    assert detail["variants"][0]["price_cents"] == 700


def test_p07_a_cached_page_costs_no_database_query(
    api_client, django_assert_num_queries
):
    sellable_product()
    api_client.get("/catalog")

    with django_assert_num_queries(0):
        response = api_client.get("/catalog")

    assert len(response.data["results"]) == 1


def test_p07_catalog_works_uncached_when_redis_is_down(api_client, settings):
    product = sellable_product()
    settings.CACHES = {
        "default": {
            **settings.CACHES["default"],
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }

    assert listed_ids(api_client) == [str(product.pk)]
    assert api_client.get(f"/catalog/{product.pk}").status_code == 200


# --- P-06: scheduled prices ------------------------------------------------


def test_p06_a_scheduled_price_takes_effect_in_the_cached_catalog(api_client, commit):
    product = sellable_product(price_cents=1000)
    starts = timezone.now() + timedelta(seconds=1.5)
    with commit():
        response = client_for(product.organization.owner).post(
            f"/variants/{product.variants.get().pk}/prices",
            {"amount_cents": 800, "valid_from": starts.isoformat()},
            format="json",
        )
    assert response.status_code == 201

    before = api_client.get("/catalog").data["results"][0]["price_from_cents"]
    time.sleep(max(0.0, (starts - timezone.now()).total_seconds()) + 0.1)
    after = api_client.get("/catalog").data["results"][0]["price_from_cents"]

    assert (before, after) == (1000, 800)


def test_p06_a_variant_with_only_a_scheduled_price_is_not_sold_yet(api_client):
    product = ProductFactory()
    variant = Variant.objects.create(
        product=product, organization=product.organization, sku="LATER"
    )
    PriceHistory.objects.create(
        variant=variant, amount_cents=500, valid_from=timezone.now() + timedelta(days=1)
    )
    stock_in(variant, 3)

    assert listed_ids(api_client) == []
    assert api_client.get(f"/catalog/{product.pk}").status_code == 404


# --- Filters and search -----------------------------------------------------


def test_catalog_q_searches_title_and_description_words(api_client):
    shirt = sellable_product(product__title="Camiseta azul", product__description="")
    mug = sellable_product(product__title="Caneca", product__description="Azul royal")
    sellable_product(product__title="Mochila", product__description="Preta")

    assert set(listed_ids(api_client, "?q=azul")) == {str(shirt.pk), str(mug.pk)}
    assert listed_ids(api_client, "?q=camiseta") == [str(shirt.pk)]
    assert listed_ids(api_client, "?q=azul -caneca") == [str(shirt.pk)]
    assert listed_ids(api_client, '?q="azul royal"') == [str(mug.pk)]
    assert listed_ids(api_client, "?q=inexistente") == []


def test_catalog_filters_by_organization_slug_and_price(api_client):
    organization = OrganizationFactory(slug="loja-boa")
    cheap = sellable_product(price_cents=500, product__organization=organization)
    dear = sellable_product(price_cents=5000, product__organization=organization)
    elsewhere = sellable_product(price_cents=700)

    assert set(listed_ids(api_client, "?organization=loja-boa")) == {
        str(cheap.pk),
        str(dear.pk),
    }
    assert set(listed_ids(api_client, "?min_price_cents=600")) == {
        str(dear.pk),
        str(elsewhere.pk),
    }
    assert set(listed_ids(api_client, "?max_price_cents=700")) == {
        str(cheap.pk),
        str(elsewhere.pk),
    }
    both = "?min_price_cents=600&max_price_cents=1000&organization=loja-boa"
    assert listed_ids(api_client, both) == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?min_price_cents=abc", "min_price_cents"),
        ("?max_price_cents=-1", "max_price_cents"),
        ("?min_price_cents=10&max_price_cents=5", "min_price_cents"),
        ("?organization=not%20a%20slug", "organization"),
        ("?page_size=0", "page_size"),
        ("?page_size=101", "page_size"),
        ("?cursor=garbage", "cursor"),
    ],
)
def test_catalog_bad_filter_values_are_refused(api_client, query, field):
    response = api_client.get(f"/catalog{query}")

    assert response.status_code == 400
    assert response.data["code"] == "VALIDATION_ERROR"
    assert field in response.data["details"]


# --- Pagination and query counts --------------------------------------------


def test_catalog_cursor_pages_walk_every_product_once_newest_first(api_client):
    products = [sellable_product() for _ in range(5)]

    seen, url = [], "/catalog?page_size=2"
    while url:
        page = api_client.get(url).data
        seen += [row["id"] for row in page["results"]]
        url = page["next"]

    expected = sorted((str(p.pk) for p in products), reverse=True)
    assert seen == expected


def test_catalog_deep_pages_are_a_keyset_range_not_an_offset(api_client):
    for _ in range(3):
        sellable_product()
    second_page = api_client.get("/catalog?page_size=1").data["next"]

    with CaptureQueriesContext(connection) as queries:
        api_client.get(second_page)

    page_sql = next(q["sql"] for q in queries if 'FROM "catalog_product"' in q["sql"])
    assert '"catalog_product"."id" <' in page_sql
    assert "OFFSET" not in page_sql
    assert "LIMIT 2" in page_sql


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_p07_catalog_list_costs_the_same_queries_for_5_and_20_products(api_client, s3):
    for index in range(20):
        product = sellable_product(product__image_keys=[f"products/x/{index}.png"])
        VariantFactory(product=product)
        Review.objects.create(
            user=UserFactory(),
            variant=product.variants.first(),
            product=product,
            score=4,
        )

    small = queries_for(api_client, "/catalog?page_size=5")
    large = queries_for(api_client, "/catalog?page_size=20")

    assert small == large <= 2


def test_p07_catalog_detail_costs_the_same_queries_for_1_and_20_variants(api_client):
    few = sellable_product()
    many = sellable_product()
    for _ in range(19):
        stock_in(VariantFactory(product=many), 1)

    assert queries_for(api_client, f"/catalog/{few.pk}") == queries_for(
        api_client, f"/catalog/{many.pk}"
    )


def test_p06_seller_list_costs_the_same_queries_for_5_and_20_products():
    organization = OrganizationFactory()
    for _ in range(20):
        product = sellable_product(product__organization=organization)
        VariantFactory(product=product)
    client = client_for(organization.owner)
    url = f"/organizations/{organization.pk}/products"

    small = queries_for(client, f"{url}?page_size=5")
    large = queries_for(client, f"{url}?page_size=20")

    assert small == large


# --- Reviews of a catalog product -------------------------------------------


def test_catalog_reviews_and_rating_are_computed_per_product(api_client):
    product = sellable_product()
    variant = product.variants.get()
    author = UserFactory(name="Ana")
    for user, score in [(author, 5), (UserFactory(), 4), (UserFactory(), 4)]:
        Review.objects.create(
            user=user, variant=variant, product=product, score=score, comment="ok"
        )

    entry = api_client.get("/catalog").data["results"][0]
    reviews = api_client.get(f"/catalog/{product.pk}/reviews").data

    assert (entry["rating_avg"], entry["review_count"]) == (4.33, 3)
    assert len(reviews["results"]) == 3
    ana = next(row for row in reviews["results"] if row["user_name"] == "Ana")
    assert ana == {
        "id": ana["id"],
        "user_id": str(author.pk),
        "user_name": "Ana",
        "variant_id": str(variant.pk),
        "product_id": str(product.pk),
        "score": 5,
        "comment": "ok",
        "created_at": ana["created_at"],
    }
