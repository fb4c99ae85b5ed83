"""DRF's browsable API in a browser: the public catalog read as HTML (P-07).

The API authenticates with JWT only, which a browser cannot send from the
browsable API's pages; a login through /api-auth/ makes a Django session that
the API does not read. Public endpoints are what a person can browse.
"""

import pytest

from catalog.models import Product
from tests.browser.conftest import STAFF_EMAIL, STAFF_PASSWORD
from tests.catalog.factories import sellable_product
from tests.orgs.factories import OrganizationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def product() -> Product:
    organization = OrganizationFactory(name="Loja Azul", slug="loja-azul")
    return sellable_product(
        price_cents=4590,
        stock=3,
        product__organization=organization,
        product__title="Caneca azul",
    )


def api_login(page, base_url: str, next_path: str, screenshot) -> None:
    page.goto(f"{base_url}/api-auth/login/?next={next_path}")
    page.fill("#id_username", STAFF_EMAIL)
    page.fill("#id_password", STAFF_PASSWORD)
    screenshot("01-login")
    page.click("#submit-id-submit")
    page.wait_for_selector(".response-info")


def test_p07_catalog_reads_as_a_browsable_api_page(
    page, live_server, screenshot, staff, product
):
    api_login(page, live_server.url, "/catalog", screenshot)

    assert page.url == f"{live_server.url}/catalog"
    assert page.locator(".page-header h1").inner_text() == "Catalog"
    response = page.locator(".response-info").inner_text()
    assert "HTTP 200 OK" in response
    assert '"title": "Caneca azul"' in response
    assert '"price_from_cents": 4590' in response
    screenshot("02-catalog")

    page.goto(f"{live_server.url}/catalog/{product.pk}")
    page.wait_for_selector(".response-info")
    response = page.locator(".response-info").inner_text()
    assert "HTTP 200 OK" in response
    assert '"available": 3' in response
    assert f'"id": "{product.pk}"' in response
    screenshot("03-product")


def test_an_unknown_product_shows_the_error_envelope_in_the_page(page, live_server):
    missing = "01a00000-0000-7000-8000-000000000000"

    page.goto(f"{live_server.url}/catalog/{missing}")
    page.wait_for_selector(".response-info")

    response = page.locator(".response-info").inner_text()
    assert "HTTP 404 Not Found" in response
    assert '"code": "NOT_FOUND"' in response


def test_staff_session_reads_its_own_profile_in_the_browsable_api(
    page, live_server, screenshot, staff
):
    api_login(page, live_server.url, "/users/me", screenshot)

    assert STAFF_EMAIL in page.locator(".navbar").inner_text()
    response = page.locator(".response-info").inner_text()
    assert "HTTP 200 OK" in response
    assert f'"email": "{STAFF_EMAIL}"' in response
