"""Security answers that cut across apps: refused tokens, throttles, headers.

tests/accounts/test_auth.py proves each kind of bad token on /users/me; here
every kind is refused on endpoints of four different apps, so no view can
opt out of the authentication every other view uses.
"""

import json
import os
import subprocess
import sys

import jwt
import pytest
from django.conf import settings
from rest_framework.test import APIClient

from accounts import tokens
from tests.accounts.factories import PASSWORD
from tests.api.world import World, world_build
from tests.conftest import client_for
from tests.marketplace.test_deploy import PRODUCTION_ENV

pytestmark = pytest.mark.django_db

ENDPOINTS = {
    "accounts": "/users/me",
    "orgs": "/organizations/{organization}",
    "inventory": "/variants/{variant}/stock/balance",
    "orders": "/orders/{order}",
}
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


@pytest.fixture
def world() -> World:
    return world_build()


def _url(template: str, world: World) -> str:
    return template.format(
        organization=world.organization.pk,
        variant=world.variant.pk,
        order=world.pending_order.pk,
    )


def _access(user, **claims) -> str:
    payload = {
        "token_type": "access",
        "user_id": str(user.pk),
        "jti": "forged",
        "ver": user.token_version,
        "exp": 4_000_000_000,
    } | claims
    return jwt.encode(payload, settings.SIMPLE_JWT["SIGNING_KEY"], algorithm="HS256")


def _issued(user) -> tuple[str, APIClient]:
    token = tokens.token_pair_issue(user=user).access_token
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return token, client


def _logged_out(user) -> str:
    token, client = _issued(user)
    assert client.post("/auth/logout", {}, format="json").status_code == 204
    return token


def _deactivated(user) -> str:
    token, client = _issued(user)
    assert client.delete("/users/me").status_code == 204
    return token


def _deactivated_by_staff(user) -> str:
    # The admin's "active" checkbox, without the token version bump of U-08.
    token, _ = _issued(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    return token


BAD_TOKENS = {
    "tampered": lambda user: _access(user)[:-4] + "AAAA",
    "expired": lambda user: _access(user, exp=1_000_000_000),
    "alg-none": lambda user: jwt.encode(
        {"token_type": "access", "user_id": str(user.pk), "jti": "x", "ver": 0},
        key=None,
        algorithm="none",
    ),
    "other-key": lambda user: jwt.encode(
        {
            "token_type": "access",
            "user_id": str(user.pk),
            "jti": "x",
            "ver": 0,
            "exp": 4_000_000_000,
        },
        "not-the-signing-key-" * 3,
        algorithm="HS256",
    ),
    "revoked": _logged_out,
    "deactivated": _deactivated,
    "deactivated-by-staff": _deactivated_by_staff,
}


@pytest.mark.parametrize("app", ENDPOINTS)
@pytest.mark.parametrize("kind", BAD_TOKENS)
def test_bad_tokens_are_refused_by_every_app(world, api_client, kind, app):
    # The MEMBER reads all four with a good token (see the control below).
    token = BAD_TOKENS[kind](world.member)

    response = api_client.get(
        _url(ENDPOINTS[app], world), HTTP_AUTHORIZATION=f"Bearer {token}"
    )

    assert response.status_code == 401
    assert response.json()["code"] == "TOKEN_INVALID"


@pytest.mark.parametrize("kind", BAD_TOKENS)
def test_bad_tokens_in_the_query_are_refused_by_the_event_stream(
    world, api_client, kind
):
    token = BAD_TOKENS[kind](world.buyer)

    response = api_client.get(
        f"/orders/{world.pending_order.pk}/events?access_token={token}"
    )

    assert response.status_code == 401
    assert response.json()["code"] == "TOKEN_INVALID"


@pytest.mark.parametrize("app", ENDPOINTS)
def test_a_good_token_of_the_same_member_is_accepted(world, app):
    # The control for the test above: the caller may read each of them.
    response = client_for(world.member).get(_url(ENDPOINTS[app], world))

    assert response.status_code == 200


def test_signup_is_throttled_per_ip_and_email(api_client, db):
    attempt = {"email": "flood@example.com", "password": PASSWORD}

    answers = [
        api_client.post("/auth/signup", attempt, format="json") for _ in range(11)
    ]

    assert answers[0].status_code == 201
    assert {a.status_code for a in answers[1:10]} == {409}
    assert answers[10].status_code == 429
    assert answers[10].json()["code"] == "RATE_LIMITED"
    assert int(answers[10]["Retry-After"]) > 0


@pytest.mark.parametrize(
    "path", ["/health/liveness", "/catalog", "/users/me", "/nowhere", "/admin/login/"]
)
def test_security_headers_on_every_kind_of_response(api_client, path):
    response = api_client.get(path)

    for header, value in SECURITY_HEADERS.items():
        assert response.headers.get(header) == value, header


PRODUCTION_PROBE = """
import json
import django
django.setup()
from django.test import Client
client = Client(SERVER_NAME="shop.example.com")
plain = client.get("/users/me")
secure = client.get("/health/liveness", secure=True)
exempt = client.get("/health/liveness")
print(json.dumps({
    "plain_status": plain.status_code,
    "plain_location": plain.headers.get("Location"),
    "hsts": secure.headers.get("Strict-Transport-Security"),
    "exempt_status": exempt.status_code,
}))
"""


def test_production_redirects_to_https_and_sends_hsts():
    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_PROBE],
        env=os.environ | PRODUCTION_ENV,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["plain_status"] == 301
    assert probe["plain_location"] == "https://shop.example.com/users/me"
    assert probe["hsts"] == "max-age=31536000; includeSubDomains; preload"
    # Load balancers probe health over plain HTTP (SECURE_REDIRECT_EXEMPT).
    assert probe["exempt_status"] == 200
