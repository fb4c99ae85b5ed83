"""Every endpoint of organizations, members and invitations, for every caller.

Anonymous callers get 401, outsiders 404 (the organization is not revealed),
members below the endpoint's role 403, and the rest the endpoint's success.
"""

from dataclasses import dataclass

import pytest
from rest_framework.test import APIClient

from orgs.models import Role
from tests.accounts.factories import UserFactory
from tests.conftest import client_for
from tests.orgs.factories import (
    InvitationFactory,
    MembershipFactory,
    OrganizationFactory,
)

pytestmark = pytest.mark.django_db

CALLERS = ["anonymous", "outsider", Role.MEMBER, Role.ADMIN, Role.OWNER]
RANK = {Role.MEMBER: 1, Role.ADMIN: 2, Role.OWNER: 3}


@dataclass
class World:
    organization: object
    users: dict
    target: object
    invitation: object


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    needs: Role
    success: int
    body: dict | None = None


ENDPOINTS = {
    "get-organization": Endpoint("get", "/organizations/{org}", Role.MEMBER, 200),
    "patch-organization": Endpoint(
        "patch", "/organizations/{org}", Role.OWNER, 200, {"name": "Renamed"}
    ),
    "delete-organization": Endpoint("delete", "/organizations/{org}", Role.OWNER, 202),
    "transfer-ownership": Endpoint(
        "post",
        "/organizations/{org}/transfer-ownership",
        Role.OWNER,
        200,
        {"user_id": "{target}"},
    ),
    "list-members": Endpoint("get", "/organizations/{org}/members", Role.MEMBER, 200),
    "change-role": Endpoint(
        "patch",
        "/organizations/{org}/members/{target}",
        Role.OWNER,
        200,
        {"role": "ADMIN"},
    ),
    "remove-member": Endpoint(
        "delete", "/organizations/{org}/members/{target}", Role.OWNER, 204
    ),
    "leave": Endpoint("delete", "/organizations/{org}/members/me", Role.MEMBER, 204),
    "invite": Endpoint(
        "post",
        "/organizations/{org}/invitations",
        Role.ADMIN,
        201,
        {"email": "new.person@example.com", "role": "MEMBER"},
    ),
    "list-invitations": Endpoint(
        "get", "/organizations/{org}/invitations", Role.ADMIN, 200
    ),
    "revoke-invitation": Endpoint(
        "delete", "/organizations/{org}/invitations/{invitation}", Role.ADMIN, 204
    ),
}


@pytest.fixture
def world() -> World:
    organization = OrganizationFactory()
    users = {
        Role.OWNER: organization.owner,
        Role.ADMIN: MembershipFactory(organization=organization, role=Role.ADMIN).user,
        Role.MEMBER: MembershipFactory(organization=organization).user,
        "outsider": UserFactory(),
    }
    return World(
        organization=organization,
        users=users,
        target=MembershipFactory(organization=organization).user,
        invitation=InvitationFactory(organization=organization),
    )


def _client(world: World, caller) -> APIClient:
    if caller == "anonymous":
        return APIClient()
    return client_for(world.users[caller])


def _fill(text: str, world: World) -> str:
    return text.format(
        org=world.organization.pk,
        target=world.target.pk,
        invitation=world.invitation.pk,
    )


def _expected(endpoint: Endpoint, caller, name: str) -> tuple[int, str | None]:
    if caller == "anonymous":
        return 401, "NOT_AUTHENTICATED"
    if caller == "outsider":
        return 404, "NOT_FOUND"
    if RANK[caller] < RANK[endpoint.needs]:
        return 403, "PERMISSION_DENIED"
    if name == "leave" and caller == Role.OWNER:
        return 409, "OWNER_CANNOT_LEAVE"  # M-08
    return endpoint.success, None


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("name", list(ENDPOINTS))
def test_role_matrix(world, name, caller):
    endpoint = ENDPOINTS[name]
    body = (
        {key: _fill(value, world) for key, value in endpoint.body.items()}
        if endpoint.body
        else None
    )

    response = getattr(_client(world, caller), endpoint.method)(
        _fill(endpoint.path, world), body, format="json"
    )

    status, code = _expected(endpoint, caller, name)
    assert response.status_code == status, response.content
    if code is not None:
        assert response.json()["code"] == code


@pytest.mark.parametrize("caller", CALLERS)
def test_role_matrix_user_endpoints(world, caller):
    client = _client(world, caller)

    listing = client.get("/organizations")
    created = client.post("/organizations", {"name": "Mine"}, format="json")

    expected = (401, 401) if caller == "anonymous" else (200, 201)
    assert (listing.status_code, created.status_code) == expected


@pytest.mark.parametrize("caller", CALLERS)
def test_role_matrix_invitation_responses_need_a_user(world, caller):
    """Accept and reject are for any signed-in user; the e-mail decides (I-04)."""
    client = _client(world, caller)
    token = "unknown-token"

    accept = client.post(f"/invitations/{token}/accept")
    reject = client.post(f"/invitations/{token}/reject")

    expected = 401 if caller == "anonymous" else 404
    assert (accept.status_code, reject.status_code) == (expected, expected)


def test_outsider_cannot_tell_a_missing_organization_from_a_hidden_one(world):
    client = client_for(world.users["outsider"])

    hidden = client.get(f"/organizations/{world.organization.pk}")
    missing = client.get("/organizations/00000000-0000-7000-8000-000000000000")

    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
