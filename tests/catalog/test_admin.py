import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from catalog.models import PriceHistory
from tests.accounts.factories import UserFactory
from tests.catalog.factories import VariantFactory, sellable_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff() -> Client:
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_product_admin_lists_price_and_stock_without_per_row_queries(
    staff, django_assert_max_num_queries
):
    for _ in range(3):
        sellable_product(price_cents=1234, stock=6)
    few = len(_capture(staff, "/admin/catalog/product/"))
    for _ in range(10):
        sellable_product(price_cents=1234, stock=6)

    with django_assert_max_num_queries(few):
        response = staff.get("/admin/catalog/product/")

    assert response.status_code == 200
    assert b"1234" in response.content


def test_product_admin_searches_sku_and_filters(staff):
    product = sellable_product()
    sku = product.variants.get().sku

    found = staff.get("/admin/catalog/product/", {"q": sku})
    filtered = staff.get(
        "/admin/catalog/product/",
        {"organization__id__exact": str(product.organization_id), "deleted": "no"},
    )
    change = staff.get(f"/admin/catalog/product/{product.pk}/change/")

    assert found.status_code == filtered.status_code == change.status_code == 200
    assert product.title.encode() in found.content
    assert sku.encode() in change.content


def test_p05_price_history_admin_is_read_only(staff):
    price = PriceHistory.objects.get(variant=VariantFactory())

    listing = staff.get("/admin/catalog/pricehistory/")
    change = staff.post(
        f"/admin/catalog/pricehistory/{price.pk}/change/", {"amount_cents": 1}
    )
    delete = staff.post(
        f"/admin/catalog/pricehistory/{price.pk}/delete/", {"post": "yes"}
    )

    assert listing.status_code == 200
    assert change.status_code == 403
    assert delete.status_code == 403
    price.refresh_from_db()
    assert price.amount_cents == 1000


def _capture(client: Client, url: str) -> list:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return queries.captured_queries
