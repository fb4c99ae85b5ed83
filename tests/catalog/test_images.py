"""The image flow end to end against a real S3 endpoint (P-08, P-09)."""

from urllib.parse import urlsplit

import httpx
import pytest
from botocore.exceptions import ClientError

from catalog.demo import png_bytes
from catalog.images import MAX_IMAGE_BYTES
from catalog.models import Product
from orgs.models import Role
from tests.catalog.factories import member_of, sellable_product
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

PNG = png_bytes(width=8, height=8, color=(200, 30, 30))


@pytest.fixture
def product():
    return sellable_product()


@pytest.fixture
def admin(product):
    return client_for(member_of(product.organization, Role.ADMIN))


def upload(
    client, product: Product, body: bytes = PNG, content_type: str = "image/png"
) -> str:
    """Presign through the API, then PUT the bytes the way a browser would."""
    response = client.post(
        f"/products/{product.pk}/images/presign",
        {"content_type": content_type},
        format="json",
    )
    assert response.status_code == 200, response.data
    ticket = response.data
    put = httpx.put(ticket["url"], content=body, headers=ticket["headers"])
    assert put.status_code == 200, put.text
    return ticket["key"]


def object_exists(s3, bucket: str, key: str) -> bool:
    try:
        s3.head_object(Bucket=bucket, Key=key)
    except ClientError:
        return False
    return True


def test_p09_presign_answers_a_put_ticket_under_the_product(s3, product, admin):
    response = admin.post(
        f"/products/{product.pk}/images/presign",
        {"content_type": "image/webp"},
        format="json",
    )

    assert response.status_code == 200
    ticket = response.data
    assert ticket["method"] == "PUT"
    assert ticket["expires_in"] == 900
    assert ticket["headers"] == {"Content-Type": "image/webp"}
    assert ticket["key"].startswith(f"products/{product.pk}/")
    assert ticket["key"].endswith(".webp")
    assert "X-Amz-Expires=900" in ticket["url"]


def test_p09_presign_refuses_other_content_types(s3, product, admin):
    response = admin.post(
        f"/products/{product.pk}/images/presign",
        {"content_type": "image/gif"},
        format="json",
    )

    assert response.status_code == 400
    assert "content_type" in response.data["details"]


def test_p09_image_flow_end_to_end(s3, settings, product, admin, api_client, commit):
    key = upload(admin, product)

    attached = admin.patch(
        f"/products/{product.pk}/images", {"image_keys": [key]}, format="json"
    )

    assert attached.status_code == 200, attached.data
    assert attached.data["image_keys"] == [key]
    (image,) = attached.data["images"]
    assert image["key"] == key
    assert "X-Amz-Expires=3600" in image["url"]
    assert httpx.get(image["url"]).content == PNG

    entry = api_client.get("/catalog").data["results"][0]
    assert httpx.get(entry["image_url"]).content == PNG
    detail = api_client.get(f"/catalog/{product.pk}").data
    assert [row["key"] for row in detail["images"]] == [key]

    with commit():
        removed = admin.delete(f"/products/{product.pk}/images/{key}")

    assert removed.status_code == 204
    product.refresh_from_db()
    assert product.image_keys == []
    assert not object_exists(s3, settings.AWS_STORAGE_BUCKET_NAME, key)
    assert api_client.get("/catalog").data["results"][0]["image_url"] is None


def test_p09_a_key_of_another_product_is_refused(s3, product, admin):
    other = sellable_product(product__organization=product.organization)
    foreign_key = upload(admin, other)

    response = admin.patch(
        f"/products/{product.pk}/images", {"image_keys": [foreign_key]}, format="json"
    )

    assert response.status_code == 400
    assert response.data["code"] == "VALIDATION_ERROR"
    assert foreign_key in response.data["details"]["image_keys"][0]
    product.refresh_from_db()
    assert product.image_keys == []


def test_p09_a_key_never_uploaded_is_refused(s3, product, admin):
    ticket = admin.post(
        f"/products/{product.pk}/images/presign",
        {"content_type": "image/png"},
        format="json",
    ).data

    response = admin.patch(
        f"/products/{product.pk}/images", {"image_keys": [ticket["key"]]}, format="json"
    )

    assert response.status_code == 400
    assert ticket["key"] in response.data["details"]["image_keys"][0]


def test_p09_an_object_that_is_not_an_image_is_refused(s3, product, admin):
    key = upload(admin, product, body=b"this is not a picture at all")

    response = admin.patch(
        f"/products/{product.pk}/images", {"image_keys": [key]}, format="json"
    )

    assert response.status_code == 400
    assert key in response.data["details"]["image_keys"][0]


def test_p09_an_object_of_5_mib_or_more_is_refused(s3, product, admin):
    too_big = PNG + b"\0" * (MAX_IMAGE_BYTES - len(PNG))
    key = upload(admin, product, body=too_big)

    response = admin.patch(
        f"/products/{product.pk}/images", {"image_keys": [key]}, format="json"
    )

    assert response.status_code == 400
    assert key in response.data["details"]["image_keys"][0]


def test_p08_more_than_8_images_are_refused(s3, product, admin):
    keys = [f"products/{product.pk}/{n:032x}.png" for n in range(9)]

    response = admin.patch(
        f"/products/{product.pk}/images", {"image_keys": keys}, format="json"
    )

    assert response.status_code == 409
    assert response.data["code"] == "IMAGE_LIMIT_REACHED"
    product.refresh_from_db()
    assert product.image_keys == []


def test_p08_eight_uploaded_images_are_accepted_in_order(s3, product, admin):
    keys = [upload(admin, product) for _ in range(8)]

    response = admin.patch(
        f"/products/{product.pk}/images", {"image_keys": keys[::-1]}, format="json"
    )

    assert response.status_code == 200, response.data
    assert response.data["image_keys"] == keys[::-1]


def test_p08_duplicate_keys_are_refused(s3, product, admin):
    key = upload(admin, product)

    response = admin.patch(
        f"/products/{product.pk}/images", {"image_keys": [key, key]}, format="json"
    )

    assert response.status_code == 400
    assert "image_keys" in response.data["details"]


def test_p09_keys_dropped_from_the_list_are_deleted(
    s3, settings, product, admin, commit
):
    kept, dropped = upload(admin, product), upload(admin, product)
    admin.patch(
        f"/products/{product.pk}/images", {"image_keys": [kept, dropped]}, format="json"
    )

    with commit():
        response = admin.patch(
            f"/products/{product.pk}/images", {"image_keys": [kept]}, format="json"
        )

    assert response.data["image_keys"] == [kept]
    bucket = settings.AWS_STORAGE_BUCKET_NAME
    assert object_exists(s3, bucket, kept)
    assert not object_exists(s3, bucket, dropped)


def test_p09_removing_an_unknown_key_is_not_found(s3, product, admin):
    unknown = f"products/{product.pk}/{'0' * 32}.png"

    response = admin.delete(f"/products/{product.pk}/images/{unknown}")

    assert response.status_code == 404


def test_p09_presigned_urls_use_the_public_endpoint(s3, settings, product, admin):
    internal = urlsplit(settings.AWS_S3_ENDPOINT_URL)
    if internal.hostname != "127.0.0.1":
        pytest.skip("needs a local endpoint also reachable as localhost")
    public = f"{internal.scheme}://localhost:{internal.port}"
    settings.AWS_S3_PUBLIC_ENDPOINT_URL = public

    key = upload(admin, product)
    attached = admin.patch(
        f"/products/{product.pk}/images", {"image_keys": [key]}, format="json"
    )

    assert attached.status_code == 200, attached.data
    url = attached.data["images"][0]["url"]
    assert url.startswith(f"{public}/")
    assert httpx.get(url).content == PNG
