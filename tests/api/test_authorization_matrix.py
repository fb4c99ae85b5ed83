"""Every API route of SPEC section 4, for every kind of caller.

The routes come from Django's URL resolver; the table below has one row per
(method, route) with the answer SPEC section 1 gives each caller: anonymous
401 on `user` and org endpoints, outsiders 404 for every org resource (the
same body as a nonexistent id, so existence does not leak), members whose
role is too low 403, public endpoints 200 for all. A route added without a
row fails `test_every_route_has_a_row`.
"""

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from accounts import tokens
from accounts.models import User
from tests.accounts.factories import PASSWORD
from tests.api.world import World, world_build
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

# Not API endpoints of SPEC section 4: the Django admin, the schema and its
# viewers, DRF's login pages, static files, and the technical endpoints of
# section 5 (each tested in tests/marketplace).
EXCLUDED_PREFIXES = (
    "admin/",
    "api/schema/",
    "docs",
    "redoc",
    "api-auth/",
    "static/",
    "metrics",
    "health/",
    "logs",
)
# Every view answers these itself; they carry no authorization of their own.
GENERIC_METHODS = {"OPTIONS", "HEAD"}

CALLERS = ("anonymous", "outsider", "member", "admin", "owner", "buyer")
ROLE_ORDER = ("member", "admin", "owner")
NOT_FOUND_BODY = {"detail": "Not found.", "code": "NOT_FOUND", "details": {}}


def public(status: int) -> dict[str, int]:
    """Anyone, with or without a token."""
    return dict.fromkeys(CALLERS, status)


def user(status: int, **overrides: int) -> dict[str, int]:
    """Any signed-in user; anonymous callers get 401."""
    return {**dict.fromkeys(CALLERS, status), "anonymous": 401, **overrides}


def org(role: str, status: int, **overrides: int) -> dict[str, int]:
    """org:<ROLE>: 401 anonymous, 404 outsiders, 403 below the role."""
    needed = ROLE_ORDER.index(role)
    answers = {"anonymous": 401, "outsider": 404, "buyer": 404}
    for rank, name in enumerate(ROLE_ORDER):
        answers[name] = status if rank >= needed else 403
    return {**answers, **overrides}


def buyer_only(status: int, seller: int = 403) -> dict[str, int]:
    """The buyer's own object: 401 anonymous, 404 strangers, `seller` members."""
    return {
        "anonymous": 401,
        "outsider": 404,
        "member": seller,
        "admin": seller,
        "owner": seller,
        "buyer": status,
    }


def seller_admin(status: int) -> dict[str, int]:
    """An order action for ADMIN/OWNER of the seller; its buyer sees 403."""
    return {
        "anonymous": 401,
        "outsider": 404,
        "member": 403,
        "admin": status,
        "owner": status,
        "buyer": 403,
    }


Body = Callable[[World, User | None], dict] | None


@dataclass(frozen=True)
class Row:
    expected: dict[str, int]
    path: str
    body: Body = None
    # A success changes the world for the next caller (it deletes, consumes
    # or moves something): build a fresh world after each one.
    destructive: bool = False
    extra: dict = field(default_factory=dict)


def _unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:10]}"


def _login(world: World, caller: User | None) -> dict:
    return {"email": (caller or world.buyer).email, "password": PASSWORD}


def _refresh(world: World, caller: User | None) -> dict:
    pair = tokens.token_pair_issue(user=caller or world.buyer)
    return {"refresh_token": pair.refresh_token}


def _product(world: World, caller: User | None) -> dict:
    variant = {"sku": _unique("SKU-"), "attributes": {"size": "M"}, "price_cents": 990}
    return {"title": "Mug", "description": "", "variants": [variant]}


MATRIX: dict[tuple[str, str], Row] = {
    # Accounts
    ("POST", "auth/signup"): Row(
        public(201),
        "/auth/signup",
        lambda w, c: {"email": f"{_unique('new')}@example.com", "password": PASSWORD},
    ),
    ("POST", "auth/login"): Row(public(200), "/auth/login", _login),
    ("POST", "auth/refresh"): Row(public(200), "/auth/refresh", _refresh),
    ("POST", "auth/logout"): Row(user(204), "/auth/logout", lambda w, c: {}),
    ("GET", "users/me"): Row(user(200), "/users/me"),
    ("PATCH", "users/me"): Row(user(200), "/users/me", lambda w, c: {"name": "Ana"}),
    # U-08: an OWNER of an active organization must transfer it first.
    ("DELETE", "users/me"): Row(user(204, owner=409), "/users/me"),
    # Organizations
    ("GET", "organizations"): Row(user(200), "/organizations"),
    ("POST", "organizations"): Row(
        user(201), "/organizations", lambda w, c: {"name": "Another shop"}
    ),
    ("GET", "organizations/<uuid:organization_id>"): Row(
        org("member", 200), "/organizations/{organization}"
    ),
    ("PATCH", "organizations/<uuid:organization_id>"): Row(
        org("owner", 200), "/organizations/{organization}", lambda w, c: {"name": "N"}
    ),
    ("DELETE", "organizations/<uuid:organization_id>"): Row(
        org("owner", 202), "/organizations/{organization}", destructive=True
    ),
    ("POST", "organizations/<uuid:organization_id>/transfer-ownership"): Row(
        org("owner", 200),
        "/organizations/{organization}/transfer-ownership",
        lambda w, c: {"user_id": str(w.member.pk)},
        destructive=True,
    ),
    # Members
    ("GET", "organizations/<uuid:organization_id>/members"): Row(
        org("member", 200), "/organizations/{organization}/members"
    ),
    ("DELETE", "organizations/<uuid:organization_id>/members/me"): Row(
        org("member", 204, owner=409), "/organizations/{organization}/members/me"
    ),
    ("PATCH", "organizations/<uuid:organization_id>/members/<uuid:user_id>"): Row(
        org("owner", 200),
        "/organizations/{organization}/members/{member}",
        lambda w, c: {"role": "ADMIN"},
    ),
    ("DELETE", "organizations/<uuid:organization_id>/members/<uuid:user_id>"): Row(
        org("owner", 204),
        "/organizations/{organization}/members/{member}",
        destructive=True,
    ),
    # Invitations
    ("GET", "organizations/<uuid:organization_id>/invitations"): Row(
        org("admin", 200), "/organizations/{organization}/invitations"
    ),
    ("POST", "organizations/<uuid:organization_id>/invitations"): Row(
        org("admin", 201),
        "/organizations/{organization}/invitations",
        lambda w, c: {"email": f"{_unique('inv')}@example.com", "role": "MEMBER"},
    ),
    (
        "DELETE",
        "organizations/<uuid:organization_id>/invitations/<uuid:invitation_id>",
    ): Row(
        org("admin", 204),
        "/organizations/{organization}/invitations/{invitation}",
        destructive=True,
    ),
    # The invitation is addressed to the buyer (I-04): others are refused.
    ("POST", "invitations/<str:token>/accept"): Row(
        user(403, buyer=200), "/invitations/{token}/accept", destructive=True
    ),
    ("POST", "invitations/<str:token>/reject"): Row(
        user(403, buyer=204), "/invitations/{token}/reject", destructive=True
    ),
    # Public catalog
    ("GET", "catalog"): Row(public(200), "/catalog"),
    ("GET", "catalog/<uuid:product_id>"): Row(public(200), "/catalog/{product}"),
    ("GET", "catalog/<uuid:product_id>/reviews"): Row(
        public(200), "/catalog/{product}/reviews"
    ),
    # Products, images, variants, prices
    ("GET", "organizations/<uuid:organization_id>/products"): Row(
        org("member", 200), "/organizations/{organization}/products"
    ),
    ("POST", "organizations/<uuid:organization_id>/products"): Row(
        org("admin", 201), "/organizations/{organization}/products", _product
    ),
    ("GET", "products/<uuid:product_id>"): Row(
        org("member", 200), "/products/{product}"
    ),
    ("PATCH", "products/<uuid:product_id>"): Row(
        org("admin", 200), "/products/{product}", lambda w, c: {"title": "Cup"}
    ),
    ("DELETE", "products/<uuid:product_id>"): Row(
        org("admin", 204), "/products/{product}", destructive=True
    ),
    ("POST", "products/<uuid:product_id>/images/presign"): Row(
        org("admin", 200),
        "/products/{product}/images/presign",
        lambda w, c: {"content_type": "image/png"},
    ),
    ("PATCH", "products/<uuid:product_id>/images"): Row(
        org("admin", 200), "/products/{product}/images", lambda w, c: {"image_keys": []}
    ),
    ("DELETE", "products/<uuid:product_id>/images/<path:key>"): Row(
        org("admin", 204), "/products/{product}/images/{image_key}", destructive=True
    ),
    ("POST", "products/<uuid:product_id>/variants"): Row(
        org("admin", 201),
        "/products/{product}/variants",
        lambda w, c: {"sku": _unique("SKU-"), "attributes": {}, "price_cents": 500},
    ),
    ("PATCH", "variants/<uuid:variant_id>"): Row(
        org("admin", 200),
        "/variants/{variant}",
        lambda w, c: {"attributes": {"color": "red"}},
    ),
    ("GET", "variants/<uuid:variant_id>/prices"): Row(
        org("member", 200), "/variants/{variant}/prices"
    ),
    ("POST", "variants/<uuid:variant_id>/prices"): Row(
        org("admin", 201),
        "/variants/{variant}/prices",
        lambda w, c: {"amount_cents": 1},
    ),
    # Stock (M-05: a MEMBER posts movements other than ADJUST)
    ("GET", "variants/<uuid:variant_id>/stock/movements"): Row(
        org("member", 200), "/variants/{variant}/stock/movements"
    ),
    ("POST", "variants/<uuid:variant_id>/stock/movements"): Row(
        org("member", 201),
        "/variants/{variant}/stock/movements",
        lambda w, c: {"kind": "IN", "qty": 3, "reason": "delivery"},
    ),
    ("GET", "variants/<uuid:variant_id>/stock/balance"): Row(
        org("member", 200), "/variants/{variant}/stock/balance"
    ),
    # Cart and buyer orders
    ("GET", "cart"): Row(user(200), "/cart"),
    ("POST", "cart/items"): Row(
        user(201),
        "/cart/items",
        lambda w, c: {"variant_id": str(w.variant.pk), "qty": 1},
    ),
    # Someone else's cart item does not exist for the caller.
    ("PATCH", "cart/items/<uuid:item_id>"): Row(
        buyer_only(200, seller=404), "/cart/items/{cart_item}", lambda w, c: {"qty": 2}
    ),
    ("DELETE", "cart/items/<uuid:item_id>"): Row(
        buyer_only(204, seller=404), "/cart/items/{cart_item}"
    ),
    ("GET", "orders"): Row(user(200), "/orders"),
    ("POST", "orders"): Row(
        buyer_only(201, seller=404),
        "/orders",
        lambda w, c: {"cart_id": str(w.cart.pk), "shipping_address": "Rua A, 1"},
    ),
    ("GET", "orders/<uuid:order_id>"): Row(
        buyer_only(200, seller=200), "/orders/{pending_order}"
    ),
    ("GET", "organizations/<uuid:organization_id>/orders"): Row(
        org("member", 200), "/organizations/{organization}/orders"
    ),
    ("POST", "orders/<uuid:order_id>/cancel"): Row(
        buyer_only(200), "/orders/{pending_order}/cancel"
    ),
    ("POST", "orders/<uuid:order_id>/confirm-delivery"): Row(
        buyer_only(200), "/orders/{shipped_order}/confirm-delivery"
    ),
    ("GET", "orders/<uuid:order_id>/events"): Row(
        buyer_only(200), "/orders/{pending_order}/events"
    ),
    ("POST", "orders/<uuid:order_id>/mark-paid"): Row(
        seller_admin(200), "/orders/{pending_order}/mark-paid", destructive=True
    ),
    ("POST", "orders/<uuid:order_id>/ship"): Row(
        seller_admin(200),
        "/orders/{paid_order}/ship",
        lambda w, c: {"tracking_code": "BR123"},
        destructive=True,
    ),
    # Reviews (R-01: only a buyer with a DELIVERED order of the variant)
    ("GET", "variants/<uuid:variant_id>/reviews"): Row(
        public(200), "/variants/{variant}/reviews"
    ),
    ("POST", "variants/<uuid:variant_id>/reviews"): Row(
        user(403, buyer=201),
        "/variants/{variant}/reviews",
        lambda w, c: {"score": 4, "comment": "Good."},
    ),
    ("DELETE", "reviews/<uuid:review_id>"): Row(
        user(403, buyer=204), "/reviews/{review}"
    ),
}


def _routes(patterns, prefix: str = ""):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route, entry.callback


def api_routes() -> set[tuple[str, str]]:
    """Every (METHOD, route) the resolver serves, exclusions left out."""
    found = set()
    for route, callback in _routes(get_resolver().url_patterns):
        if route.startswith(EXCLUDED_PREFIXES):
            continue
        view_class = callback.view_class
        for method in view_class.http_method_names:
            if hasattr(view_class, method) and method.upper() not in GENERIC_METHODS:
                found.add((method.upper(), route))
    return found


def test_every_route_has_a_row():
    assert api_routes() == set(MATRIX)


def _path(row: Row, world: World) -> str:
    return row.path.format(
        organization=world.organization.pk,
        member=world.member.pk,
        invitation=world.invitation.pk,
        token=world.invitation_token,
        product=world.product.pk,
        image_key=world.image_key,
        variant=world.variant.pk,
        cart_item=world.cart_item.pk,
        pending_order=world.pending_order.pk,
        paid_order=world.paid_order.pk,
        shipped_order=world.shipped_order.pk,
        review=world.review.pk,
    )


def _caller(world: World, name: str) -> User | None:
    return None if name == "anonymous" else getattr(world, name)


def _call(row: Row, method: str, world: World, name: str):
    caller = _caller(world, name)
    client = APIClient() if caller is None else client_for(caller)
    body = row.body(world, caller) if row.body else None
    return client.generic(
        method,
        _path(row, world),
        data="" if body is None else json.dumps(body),
        content_type="application/json",
    )


@pytest.mark.parametrize(
    ("method", "route"), sorted(MATRIX), ids=[f"{m} {r}" for m, r in sorted(MATRIX)]
)
def test_each_caller_gets_the_contract_answer(s3, method, route):
    row = MATRIX[(method, route)]
    world = world_build()
    answers = {}

    for name in CALLERS:
        response = _call(row, method, world, name)
        answers[name] = response.status_code
        if response.status_code == 404:
            assert response.json() == NOT_FOUND_BODY, (name, response.json())
        if row.destructive and response.status_code < 300:
            world = world_build()

    assert answers == row.expected


class _Nonexistent(dict):
    """Format a path with ids that exist nowhere."""

    def __missing__(self, key: str) -> str:
        return "products/x.png" if key == "image_key" else str(uuid.uuid4())


class _GhostWorld:
    """Stands in for a World in bodies: every object has an id that exists nowhere."""

    def __getattr__(self, name: str) -> SimpleNamespace:
        return SimpleNamespace(pk=uuid.uuid4())


@pytest.mark.parametrize(
    ("method", "route"),
    sorted(key for key in MATRIX if "{" in MATRIX[key].path),
    ids=lambda value: value,
)
def test_a_nonexistent_id_answers_the_same_not_found(method, route, user):
    row = MATRIX[(method, route)]
    path = row.path.format_map(_Nonexistent())
    body = row.body(_GhostWorld(), user) if row.body else {}

    response = client_for(user).generic(
        method, path, data=json.dumps(body), content_type="application/json"
    )

    assert response.status_code == 404
    assert response.json() == NOT_FOUND_BODY
