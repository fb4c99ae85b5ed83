"""Every seller endpoint of the catalog against every kind of caller.

Anonymous callers get 401, users outside the organization 404 (existence is
not revealed), members below the endpoint's role 403 (M-04, M-05).
"""

import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from rest_framework.test import APIClient

from orgs.models import ROLE_RANK, Role
from tests.catalog.factories import VariantFactory, member_of
from tests.conftest import client_for
from tests.orgs.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    role: Role
    success: int
    body: Any = None


def variant_body() -> dict:
    return {"sku": f"R-{uuid.uuid4().hex[:8]}", "price_cents": 990, "initial_stock": 1}


ENDPOINTS = [
    Endpoint("get", "/organizations/{org}/products", Role.MEMBER, 200),
    Endpoint(
        "post",
        "/organizations/{org}/products",
        Role.ADMIN,
        201,
        lambda: {"title": "T", "variants": [variant_body()]},
    ),
    Endpoint("get", "/products/{product}", Role.MEMBER, 200),
    Endpoint("patch", "/products/{product}", Role.ADMIN, 200, lambda: {"title": "N"}),
    Endpoint("delete", "/products/{product}", Role.ADMIN, 204),
    Endpoint(
        "post",
        "/products/{product}/images/presign",
        Role.ADMIN,
        200,
        lambda: {"content_type": "image/png"},
    ),
    Endpoint(
        "patch",
        "/products/{product}/images",
        Role.ADMIN,
        200,
        lambda: {"image_keys": []},
    ),
    Endpoint("delete", "/products/{product}/images/{key}", Role.ADMIN, 204),
    Endpoint("post", "/products/{product}/variants", Role.ADMIN, 201, variant_body),
    Endpoint(
        "patch", "/variants/{variant}", Role.ADMIN, 200, lambda: {"attributes": {}}
    ),
    Endpoint(
        "post",
        "/variants/{variant}/prices",
        Role.ADMIN,
        201,
        lambda: {"amount_cents": 5},
    ),
    Endpoint("get", "/variants/{variant}/prices", Role.MEMBER, 200),
]
CALLERS = ["anonymous", "outsider", Role.MEMBER, Role.ADMIN, Role.OWNER]


def expected_status(endpoint: Endpoint, caller: str) -> int:
    if caller == "anonymous":
        return 401
    if caller == "outsider":
        return 404
    return endpoint.success if ROLE_RANK[caller] >= ROLE_RANK[endpoint.role] else 403


def client_as(caller: str, organization) -> APIClient:
    if caller == "anonymous":
        return APIClient()
    if caller == "outsider":
        return client_for(OrganizationFactory().owner)
    if caller == Role.OWNER:
        return client_for(organization.owner)
    return client_for(member_of(organization, caller))


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize(
    "endpoint", ENDPOINTS, ids=[f"{e.method} {e.path}" for e in ENDPOINTS]
)
def test_m04_seller_endpoint_role_matrix(s3, endpoint, caller):
    variant = VariantFactory()
    product = variant.product
    key = f"products/{product.pk}/{uuid.uuid4().hex}.png"
    product.image_keys = [key]
    product.save()
    path = endpoint.path.format(
        org=product.organization_id, product=product.pk, variant=variant.pk, key=key
    )
    client = client_as(caller, product.organization)

    body = endpoint.body() if endpoint.body else None
    response = getattr(client, endpoint.method)(path, body, format="json")

    assert response.status_code == expected_status(endpoint, caller), response.data
    if response.status_code >= 400:
        assert set(response.data) == {"detail", "code", "details"}


@pytest.mark.parametrize(
    "endpoint", ENDPOINTS, ids=[f"{e.method} {e.path}" for e in ENDPOINTS]
)
def test_m04_deleted_organization_hides_every_seller_endpoint(s3, endpoint):
    variant = VariantFactory()
    product = variant.product
    organization = product.organization
    client = client_for(organization.owner)
    organization.is_active = False
    organization.deleted_at = organization.created_at
    organization.save()
    path = endpoint.path.format(
        org=organization.pk, product=product.pk, variant=variant.pk, key="k"
    )

    body = endpoint.body() if endpoint.body else None
    response = getattr(client, endpoint.method)(path, body, format="json")

    assert response.status_code == 404
