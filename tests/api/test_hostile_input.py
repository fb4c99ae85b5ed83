"""Inputs the fuzz found (or could find) that used to answer 500: now 400.

PostgreSQL refuses U+0000 in text and jsonb, a forged cursor can carry a
position its ordering field cannot hold, and `str.isdigit()` passes digits
that `int()` refuses. Each is bad input, so each is a VALIDATION_ERROR that
names the offending field.
"""

import base64
from urllib.parse import quote

import pytest

from tests.api.world import World, world_build
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _cursor(position: str) -> str:
    return quote(base64.b64encode(f"p={position}".encode()).decode())


@pytest.fixture
def world() -> World:
    return world_build()


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/variants/{variant}", {"attributes": {"color": "bl\u0000ck"}}, "attributes"),
        ("/variants/{variant}", {"attributes": {"co\u0000lor": "black"}}, "attributes"),
    ],
)
def test_nul_in_variant_attributes_is_a_validation_error(world, path, body, field):
    client = client_for(world.owner)

    response = client.patch(path.format(variant=world.variant.pk), body, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "VALIDATION_ERROR"
    assert field in response.json()["details"]


def test_nul_in_new_product_attributes_is_a_validation_error(world):
    body = {
        "title": "Mug",
        "description": "",
        "variants": [{"sku": "MUG-1", "attributes": {"k": "\u0000"}, "price_cents": 1}],
    }

    response = client_for(world.owner).post(
        f"/organizations/{world.organization.pk}/products", body, format="json"
    )

    assert response.status_code == 400
    assert "variants.0.attributes" in response.json()["details"]
    assert not world.organization.products.filter(title="Mug").exists()


@pytest.mark.parametrize("position", ["2024", "not-a-uuid", "\u00b2"])
@pytest.mark.parametrize("path", ["/orders", "/catalog", "/variants/{variant}/prices"])
def test_forged_cursor_is_a_validation_error(world, path, position):
    url = path.format(variant=world.variant.pk) + "?cursor=" + _cursor(position)

    response = client_for(world.owner).get(url)

    assert response.status_code == 400
    assert response.json()["details"] == {"cursor": ["Invalid cursor."]}


@pytest.mark.parametrize("size", ["%C2%B2", "%D9%A3", "1.5", "0", "101"])
def test_page_size_takes_ascii_digits_only(world, size):
    response = client_for(world.buyer).get(f"/orders?page_size={size}")

    assert response.status_code == 400
    assert "page_size" in response.json()["details"]
