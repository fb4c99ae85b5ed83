import io

import pytest
from django.utils import timezone

from catalog import demo
from catalog.models import PriceHistory, Product, Variant
from inventory.models import StockMovement
from tests.orgs.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def rows_counted() -> tuple[int, int, int]:
    return (
        Product.objects.count(),
        Variant.objects.count(),
        StockMovement.objects.count(),
    )


def test_demo_seed_fills_each_seller_once(s3, settings, monkeypatch):
    monkeypatch.setattr(demo, "PRODUCTS_TOTAL", 20)
    sellers = [OrganizationFactory(), OrganizationFactory()]

    demo.seed(stdout=io.StringIO())
    counts = rows_counted()
    demo.seed(stdout=io.StringIO())

    assert counts[0] == 20
    assert counts == rows_counted()
    for seller in sellers:
        assert seller.products.count() == 10
        assert PriceHistory.objects.filter(
            variant__organization=seller, valid_from__gt=timezone.now()
        ).exists()
    assert StockMovement.objects.filter(reason="initial stock").exists()
    with_images = Product.objects.exclude(image_keys=[])
    assert with_images.exists()
    key = with_images.first().image_keys[0]
    head = s3.head_object(Bucket=settings.AWS_STORAGE_BUCKET_NAME, Key=key)
    assert head["ContentType"] == "image/png"
