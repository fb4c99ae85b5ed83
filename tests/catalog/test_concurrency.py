import threading

import pytest
from django.db import connection

from catalog.models import Product, Variant
from tests.catalog.factories import member_of
from tests.conftest import client_for
from tests.orgs.factories import OrganizationFactory


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_p03_concurrent_creates_with_one_sku_leave_exactly_one():
    organization = OrganizationFactory()
    clients = [client_for(member_of(organization, "ADMIN")) for _ in range(4)]
    barrier = threading.Barrier(len(clients))
    statuses: list[int] = []

    def create(client) -> None:
        try:
            barrier.wait()
            response = client.post(
                f"/organizations/{organization.pk}/products",
                {
                    "title": "Race",
                    "variants": [
                        {"sku": "RACE-1", "price_cents": 100, "initial_stock": 1}
                    ],
                },
                format="json",
            )
            statuses.append(response.status_code)
            if response.status_code == 409:
                assert response.data["code"] == "SKU_TAKEN"
        finally:
            connection.close()

    threads = [threading.Thread(target=create, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [201, 409, 409, 409]
    assert Variant.objects.filter(sku="RACE-1").count() == 1
    assert Product.objects.count() == 1
