import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.catalog.factories import VariantFactory
from tests.inventory.factories import stock_in

pytestmark = pytest.mark.django_db


def queries_of_second_catalog_read(api_client) -> int:
    api_client.get("/catalog")
    with CaptureQueriesContext(connection) as second:
        api_client.get("/catalog")
    return len(second.captured_queries)


def test_catalog_pages_come_from_the_cache_by_default(api_client):
    stock_in(VariantFactory(), 3)

    assert queries_of_second_catalog_read(api_client) == 0


def test_catalog_cache_can_be_switched_off(api_client, settings):
    settings.CATALOG_CACHE_ENABLED = False
    stock_in(VariantFactory(), 3)

    assert queries_of_second_catalog_read(api_client) > 0
