import pytest
from django.utils import timezone

from orders.models import Order, OrderStatus
from orders.services.checkout import order_checkout
from orgs.models import Role
from tests.accounts.factories import UserFactory
from tests.catalog.factories import VariantFactory
from tests.conftest import client_for
from tests.inventory.factories import stock_in
from tests.orders.factories import open_cart
from tests.orgs.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def place_order(buyer, variant=None, qty=1) -> Order:
    if variant is None:
        variant = VariantFactory()
        stock_in(variant, 10)
    cart = open_cart(buyer, (variant, qty))
    return order_checkout(buyer=buyer, cart_id=cart.pk, shipping_address="Rua B, 2")


def ids(response) -> list[str]:
    return [order["id"] for order in response.json()["results"]]


def test_buyer_lists_only_their_orders_newest_first(user_client, user):
    first = place_order(user)
    second = place_order(user)
    place_order(UserFactory())

    response = user_client.get("/orders")

    assert response.status_code == 200
    assert set(response.json()) == {"next", "previous", "results"}
    assert ids(response) == [str(second.pk), str(first.pk)]
    assert response.json()["results"][0]["items"][0]["qty"] == 1


def test_buyer_order_list_filters_by_status(user_client, user):
    pending = place_order(user)
    paid = place_order(user)
    Order.objects.filter(pk=paid.pk).update(status=OrderStatus.PAID)

    response = user_client.get("/orders?status=PENDING")
    bad = user_client.get("/orders?status=LOST")

    assert ids(response) == [str(pending.pk)]
    assert bad.status_code == 400
    assert "status" in bad.json()["details"]


def test_buyer_order_list_pages_with_a_cursor(user_client, user):
    orders = [place_order(user) for _ in range(3)]

    first = user_client.get("/orders?page_size=2").json()
    second = user_client.get(first["next"]).json()

    got = [o["id"] for o in first["results"] + second["results"]]
    assert got == [str(order.pk) for order in reversed(orders)]


def test_buyer_order_list_queries_do_not_grow_with_orders(
    user_client, user, django_assert_max_num_queries
):
    for _ in range(5):
        place_order(user)

    with django_assert_max_num_queries(4):
        response = user_client.get("/orders")

    assert len(response.json()["results"]) == 5


def test_order_detail_for_buyer_and_seller_members_only(user):
    order = place_order(user)
    member = UserFactory()
    MembershipFactory(organization=order.organization, user=member, role=Role.MEMBER)
    stranger = UserFactory()

    as_buyer = client_for(user).get(f"/orders/{order.pk}")
    as_member = client_for(member).get(f"/orders/{order.pk}")
    as_stranger = client_for(stranger).get(f"/orders/{order.pk}")

    assert as_buyer.status_code == as_member.status_code == 200
    assert as_buyer.json() == as_member.json()
    assert as_buyer.json()["id"] == str(order.pk)
    assert as_stranger.status_code == 404
    assert as_stranger.json()["code"] == "NOT_FOUND"


def test_order_detail_is_hidden_from_members_of_a_deleted_seller(user):
    order = place_order(user)
    organization = order.organization
    organization.deleted_at = timezone.now()
    organization.is_active = False
    organization.save()

    as_owner = client_for(organization.owner).get(f"/orders/{order.pk}")
    as_buyer = client_for(user).get(f"/orders/{order.pk}")

    assert as_owner.status_code == 404
    assert as_buyer.status_code == 200


def test_seller_lists_its_organizations_orders_with_status_filter(user):
    variant = VariantFactory()
    stock_in(variant, 10)
    first = place_order(user, variant)
    second = place_order(UserFactory(), variant)
    place_order(user)
    Order.objects.filter(pk=first.pk).update(status=OrderStatus.CANCELLED)
    member = UserFactory()
    MembershipFactory(organization=variant.organization, user=member)
    client = client_for(member)
    url = f"/organizations/{variant.organization_id}/orders"

    everything = client.get(url)
    cancelled = client.get(f"{url}?status=CANCELLED")
    bad = client.get(f"{url}?status=cancelled")

    assert ids(everything) == [str(second.pk), str(first.pk)]
    assert ids(cancelled) == [str(first.pk)]
    assert bad.status_code == 400


def test_seller_order_list_is_404_for_outsiders(user_client):
    variant = VariantFactory()

    response = user_client.get(f"/organizations/{variant.organization_id}/orders")

    assert response.status_code == 404


def test_order_reads_need_authentication(api_client):
    assert api_client.get("/orders").status_code == 401
    assert api_client.get("/cart").status_code == 401
