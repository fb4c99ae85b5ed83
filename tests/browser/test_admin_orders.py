"""SPEC 5 admin, as staff use it: log in, find an order, mark it paid (D-04)."""

import pytest

from orders.models import Order, OrderStatus, OrderTransition
from orders.services.checkout import order_checkout
from tests.accounts.factories import UserFactory
from tests.browser.conftest import STAFF_EMAIL, STAFF_PASSWORD
from tests.catalog.factories import ProductFactory, VariantFactory
from tests.inventory.factories import stock_in
from tests.orders.factories import open_cart
from tests.orgs.factories import OrganizationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def order() -> Order:
    """A PENDING order placed through checkout, for a product of one seller."""
    organization = OrganizationFactory(name="Loja Azul", slug="loja-azul")
    product = ProductFactory(organization=organization, title="Caneca azul")
    variant = VariantFactory(product=product, price_cents=4590)
    stock_in(variant, 10)
    buyer = UserFactory(email="buyer@example.com")
    cart = open_cart(buyer, (variant, 2))
    return order_checkout(
        buyer=buyer, cart_id=cart.pk, shipping_address="Rua Augusta 500, São Paulo"
    )


def admin_login(page, base_url: str, screenshot) -> None:
    page.goto(f"{base_url}/admin/")
    page.wait_for_selector("#login-form")
    page.fill("#id_username", STAFF_EMAIL)
    page.fill("#id_password", STAFF_PASSWORD)
    screenshot("01-login")
    page.click("#login-form [type=submit]")
    page.wait_for_selector("#site-name")


def test_d04_staff_marks_an_order_paid_from_the_admin(
    page, live_server, screenshot, staff, order
):
    admin_login(page, live_server.url, screenshot)
    assert STAFF_EMAIL in page.locator("#user-tools").inner_text().lower()
    screenshot("02-index")

    page.click("tr.model-order th a")
    page.wait_for_selector("#changelist-search")
    page.fill("#searchbar", "buyer@example.com")
    page.press("#searchbar", "Enter")
    row = page.locator("#result_list tbody tr")
    row.first.wait_for()
    assert row.count() == 1
    assert row.locator("td.field-status").inner_text() == "Pending"
    screenshot("03-search")

    row.locator("input.action-select").check()
    page.select_option("select[name=action]", "mark_paid")
    screenshot("04-action-chosen")
    page.click("button[name=index]")
    success = page.wait_for_selector("ul.messagelist li.success")
    assert success.inner_text() == "1 order(s) moved to PAID."
    assert row.locator("td.field-status").inner_text() == "Paid"
    screenshot("05-marked-paid")

    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    history = OrderTransition.objects.filter(order=order).order_by("sequence")
    assert [(t.to_status, t.actor_id) for t in history] == [
        (OrderStatus.PENDING, order.buyer_id),
        (OrderStatus.PAID, staff.pk),
    ]

    row.locator("th.field-id a").click()
    page.wait_for_selector("#content-main")
    assert str(order.pk) in page.url
    inline = page.locator(".inline-group", has_text="Order transitions")
    statuses = inline.locator("td.field-to_status").all_inner_texts()
    assert statuses == ["Pending", "Paid"]
    assert STAFF_EMAIL in inline.inner_text()
    items = page.locator(".inline-group", has_text="Order items")
    assert "Caneca azul" in items.inner_text()
    screenshot("06-order-page")
