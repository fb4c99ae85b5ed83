import pytest
from django.test import Client

from inventory.models import StockMovement
from tests.accounts.factories import UserFactory
from tests.catalog.factories import VariantFactory
from tests.inventory.factories import stock_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client() -> Client:
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_s01_ledger_is_read_only_in_the_admin(staff_client):
    variant = VariantFactory()
    stock_in(variant, 3)
    movement = StockMovement.objects.get()
    base = "/admin/inventory/stockmovement"

    listing = staff_client.get(f"{base}/?kind__exact=IN&q={variant.sku}")
    add = staff_client.get(f"{base}/add/")
    delete = staff_client.post(f"{base}/{movement.pk}/delete/", {"post": "yes"})
    change = staff_client.post(f"{base}/{movement.pk}/change/", {"qty": 99})

    assert listing.status_code == 200
    assert variant.sku in listing.content.decode()
    assert (add.status_code, delete.status_code, change.status_code) == (403, 403, 403)
    movement.refresh_from_db()
    assert movement.qty == 3


def test_s01_balance_admin_links_to_the_variant_ledger(staff_client):
    variant = VariantFactory()
    stock_in(variant, 3)

    listing = staff_client.get("/admin/inventory/stockbalance/?availability=in")
    ledger = staff_client.get(
        f"/admin/inventory/stockmovement/?variant__id__exact={variant.pk}"
    )

    assert listing.status_code == 200
    assert f"variant__id__exact={variant.pk}" in listing.content.decode()
    assert ledger.status_code == 200
    assert "test stock" in ledger.content.decode()
