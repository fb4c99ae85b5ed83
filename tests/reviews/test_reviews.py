"""R-01..R-03 and the review endpoints."""

import threading

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from orders.models import OrderStatus
from orders.services.transitions import order_transition
from reviews.models import Review
from tests.accounts.factories import UserFactory
from tests.catalog.factories import VariantFactory
from tests.conftest import client_for
from tests.inventory.factories import stock_in
from tests.orders.lifecycle_factories import pending_order

pytestmark = pytest.mark.django_db

S = OrderStatus


def order_in(status: str, variant=None, buyer=None):
    """An order of the variant walked to `status` through the state machine."""
    if variant is None:
        variant = VariantFactory()
        stock_in(variant, 10)
    order = pending_order(buyer=buyer, lines=[(variant, 1)])
    path = {
        S.PENDING: [],
        S.PAID: [S.PAID],
        S.SHIPPED: [S.PAID, S.SHIPPED],
        S.DELIVERED: [S.PAID, S.SHIPPED, S.DELIVERED],
        S.CANCELLED: [S.CANCELLED],
    }[status]
    for step in path:
        order_transition(
            order_id=order.pk, to_status=step, actor=None, tracking_code="T"
        )
    return order


def variant_of(order):
    return order.items.get().variant


def post_review(user, variant, body=None, **headers):
    url = reverse("variant-reviews", kwargs={"variant_id": variant.pk})
    body = {"score": 5, "comment": "Great"} if body is None else body
    return client_for(user).post(url, body, format="json", **headers)


def test_r01_buyer_with_a_delivered_order_reviews_the_variant():
    order = order_in(S.DELIVERED)
    variant = variant_of(order)

    response = post_review(order.buyer, variant, {"score": 4, "comment": "Nice mug"})

    assert response.status_code == 201
    review = Review.objects.get()
    assert response.data == {
        "id": str(review.pk),
        "user_id": str(order.buyer.pk),
        "user_name": order.buyer.name,
        "variant_id": str(variant.pk),
        "product_id": str(variant.product_id),
        "score": 4,
        "comment": "Nice mug",
        "created_at": response.data["created_at"],
    }
    assert response.data["created_at"].endswith("Z")


@pytest.mark.parametrize("status", [S.PENDING, S.PAID, S.SHIPPED, S.CANCELLED])
def test_r01_an_order_not_delivered_does_not_allow_a_review(status):
    order = order_in(status)

    response = post_review(order.buyer, variant_of(order))

    assert response.status_code == 403
    assert response.data["code"] == "REVIEW_NOT_ALLOWED"
    assert Review.objects.count() == 0


def test_r01_someone_elses_delivered_order_does_not_count():
    order = order_in(S.DELIVERED)

    response = post_review(UserFactory(), variant_of(order))

    assert response.status_code == 403
    assert response.data["code"] == "REVIEW_NOT_ALLOWED"


def test_r01_a_delivered_order_of_another_variant_does_not_count():
    order = order_in(S.DELIVERED)
    sibling = VariantFactory(product=variant_of(order).product)

    response = post_review(order.buyer, sibling)

    assert response.status_code == 403
    assert response.data["code"] == "REVIEW_NOT_ALLOWED"


def test_r02_a_second_review_of_the_same_variant_is_409():
    order = order_in(S.DELIVERED)
    variant = variant_of(order)
    post_review(order.buyer, variant)

    response = post_review(order.buyer, variant, {"score": 1, "comment": "Changed"})

    assert response.status_code == 409
    assert response.data["code"] == "ALREADY_REVIEWED"
    assert Review.objects.get().score == 5


def test_r02_two_delivered_orders_still_allow_one_review():
    order = order_in(S.DELIVERED)
    variant = variant_of(order)
    order_in(S.DELIVERED, variant=variant, buyer=order.buyer)
    post_review(order.buyer, variant)

    response = post_review(order.buyer, variant)

    assert response.status_code == 409
    assert Review.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.concurrency
def test_r02_racing_reviews_by_one_user_store_one():
    order = order_in(S.DELIVERED)
    variant = variant_of(order)
    barrier = threading.Barrier(4)
    statuses: list[int] = []

    def review() -> None:
        try:
            client = client_for(order.buyer)
            url = reverse("variant-reviews", kwargs={"variant_id": variant.pk})
            barrier.wait(timeout=10)
            response = client.post(url, {"score": 3}, format="json")
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=review) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(statuses) == [201, 409, 409, 409]
    assert Review.objects.count() == 1


@pytest.mark.parametrize("score", [0, 6, -1, "five", None])
def test_r03_score_outside_1_to_5_is_400(score):
    order = order_in(S.DELIVERED)

    response = post_review(order.buyer, variant_of(order), {"score": score})

    assert response.status_code == 400
    assert response.data["code"] == "VALIDATION_ERROR"
    assert "score" in response.data["details"]
    assert Review.objects.count() == 0


@pytest.mark.parametrize("score", [1, 5])
def test_r03_scores_1_and_5_are_accepted(score):
    order = order_in(S.DELIVERED)

    response = post_review(order.buyer, variant_of(order), {"score": score})

    assert response.status_code == 201
    assert response.data["comment"] == ""


def test_r03_the_database_refuses_a_score_outside_1_to_5():
    from django.db import IntegrityError

    order = order_in(S.DELIVERED)
    variant = variant_of(order)

    with pytest.raises(IntegrityError):
        Review.objects.create(
            user=order.buyer, variant=variant, product=variant.product, score=6
        )


def test_reviews_posting_needs_a_token(api_client):
    variant = VariantFactory()
    url = reverse("variant-reviews", kwargs={"variant_id": variant.pk})

    response = api_client.post(url, {"score": 5}, format="json")

    assert response.status_code == 401


def test_reviews_post_is_idempotent_with_a_key():
    order = order_in(S.DELIVERED)
    variant = variant_of(order)
    client = client_for(order.buyer)
    url = reverse("variant-reviews", kwargs={"variant_id": variant.pk})

    first = client.post(url, {"score": 5}, format="json", HTTP_IDEMPOTENCY_KEY="r1")
    again = client.post(url, {"score": 5}, format="json", HTTP_IDEMPOTENCY_KEY="r1")

    assert (first.status_code, again.status_code) == (201, 201)
    assert again["Idempotent-Replayed"] == "true"
    assert Review.objects.count() == 1


@pytest.mark.parametrize("hide", ["inactive", "deleted", "org_deleted"])
def test_reviews_of_a_hidden_product_are_404(hide, api_client):
    order = order_in(S.DELIVERED)
    variant = variant_of(order)
    product, organization = variant.product, variant.organization
    if hide == "inactive":
        product.is_active = False
    elif hide == "deleted":
        product.deleted_at = timezone.now()
    else:
        organization.deleted_at, organization.is_active = timezone.now(), False
        organization.save()
    product.save()
    url = reverse("variant-reviews", kwargs={"variant_id": variant.pk})

    posted = post_review(order.buyer, variant)
    listed = api_client.get(url)

    assert (posted.status_code, listed.status_code) == (404, 404)
    assert posted.data["code"] == "NOT_FOUND"


def test_reviews_list_is_public_newest_first_cursor_paged(api_client):
    variant = VariantFactory()
    stock_in(variant, 10)
    buyers = [UserFactory() for _ in range(3)]
    for number, buyer in enumerate(buyers, start=1):
        order_in(S.DELIVERED, variant=variant, buyer=buyer)
        post_review(buyer, variant, {"score": number, "comment": f"c{number}"})
    url = reverse("variant-reviews", kwargs={"variant_id": variant.pk})

    first = api_client.get(url, {"page_size": 2})
    second = api_client.get(first.data["next"])

    assert first.status_code == 200
    assert [r["score"] for r in first.data["results"]] == [3, 2]
    assert [r["score"] for r in second.data["results"]] == [1]
    assert second.data["next"] is None
    assert first.data["results"][0]["user_name"] == buyers[2].name


def test_reviews_list_costs_the_same_for_many_reviews(
    api_client, django_assert_max_num_queries
):
    variant = VariantFactory()
    stock_in(variant, 20)
    for _ in range(5):
        buyer = UserFactory()
        order_in(S.DELIVERED, variant=variant, buyer=buyer)
        post_review(buyer, variant)
    url = reverse("variant-reviews", kwargs={"variant_id": variant.pk})

    with django_assert_max_num_queries(3):
        response = api_client.get(url)

    assert len(response.data["results"]) == 5


def test_reviews_author_deletes_own_review():
    order = order_in(S.DELIVERED)
    review = post_review(order.buyer, variant_of(order)).data

    response = client_for(order.buyer).delete(
        reverse("review", kwargs={"review_id": review["id"]})
    )

    assert response.status_code == 204
    assert Review.objects.count() == 0


def test_reviews_only_the_author_deletes():
    order = order_in(S.DELIVERED)
    review = post_review(order.buyer, variant_of(order)).data
    seller = variant_of(order).organization.owner

    response = client_for(seller).delete(
        reverse("review", kwargs={"review_id": review["id"]})
    )

    assert response.status_code == 403
    assert response.data["code"] == "PERMISSION_DENIED"
    assert Review.objects.count() == 1


def test_reviews_deleting_an_unknown_review_is_404(user_client):
    response = user_client.delete(reverse("review", kwargs={"review_id": Review().pk}))

    assert response.status_code == 404


def test_reviews_staff_moderate_by_deleting_in_the_admin():
    order = order_in(S.DELIVERED)
    post_review(order.buyer, variant_of(order), {"score": 1, "comment": "spam spam"})
    review = Review.objects.get()
    staff = User.objects.create_superuser("mod@example.com", "moderator-pass-1")
    client = Client()
    client.force_login(staff)

    listing = client.get(
        reverse("admin:reviews_review_changelist"), {"q": "spam", "score": 1}
    )
    deleted = client.post(
        reverse("admin:reviews_review_delete", args=[review.pk]), {"post": "yes"}
    )

    assert "spam spam" in listing.content.decode()
    assert deleted.status_code == 302
    assert Review.objects.count() == 0


def test_reviews_cannot_be_edited_in_the_admin():
    order = order_in(S.DELIVERED)
    post_review(order.buyer, variant_of(order))
    staff = User.objects.create_user("editor@example.com", "editor-password-1")
    staff.is_staff = True
    staff.save()
    staff.user_permissions.add(*Permission.objects.filter(codename__endswith="_review"))
    client = Client()
    client.force_login(staff)

    add = client.get(reverse("admin:reviews_review_add"))

    assert add.status_code == 403
