import pytest

from orgs.models import Membership, Role
from tests.accounts.factories import UserFactory
from tests.conftest import client_for
from tests.orgs.factories import (
    MembershipFactory,
    OrganizationFactory,
    invitation_with_token,
    members_fill,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def organization(user):
    return OrganizationFactory(owner=user)


def test_members_list_has_the_member_shape(organization, user_client):
    member = MembershipFactory(organization=organization, user__name="Ana")

    response = user_client.get(f"/organizations/{organization.pk}/members")

    assert response.status_code == 200
    results = response.json()["results"]
    assert set(results[0]) == {"user_id", "email", "name", "role", "joined_at"}
    by_user = {item["user_id"]: item for item in results}
    assert by_user[str(member.user_id)]["name"] == "Ana"
    assert by_user[str(member.user_id)]["email"] == member.user.email
    assert by_user[str(organization.owner_id)]["role"] == "OWNER"


def test_members_list_pages_at_constant_query_count(
    organization, user_client, django_assert_max_num_queries
):
    members_fill(organization, 10)

    with django_assert_max_num_queries(8):
        first = user_client.get(
            f"/organizations/{organization.pk}/members?page_size=3"
        ).json()
    with django_assert_max_num_queries(8):
        second = user_client.get(first["next"]).json()

    assert len(first["results"]) == len(second["results"]) == 3


def test_m01_tenth_member_fills_the_organization(organization, user_client):
    members_fill(organization, 10)

    response = user_client.post(
        f"/organizations/{organization.pk}/invitations",
        {"email": "eleven@example.com", "role": "MEMBER"},
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["code"] == "MEMBER_LIMIT_REACHED"


def test_m02_m03_owner_outranks_admin_outranks_member(organization):
    admin = MembershipFactory(organization=organization, role=Role.ADMIN).user
    member = MembershipFactory(organization=organization).user
    invitations = f"/organizations/{organization.pk}/invitations"
    rename = f"/organizations/{organization.pk}"

    assert client_for(member).get(invitations).status_code == 403
    assert client_for(admin).get(invitations).status_code == 200
    assert (
        client_for(admin).patch(rename, {"name": "x"}, format="json").status_code == 403
    )
    owner = client_for(organization.owner)
    assert owner.patch(rename, {"name": "x"}, format="json").status_code == 200


def test_m04_admin_manages_invitations(organization):
    admin = client_for(
        MembershipFactory(organization=organization, role=Role.ADMIN).user
    )

    created = admin.post(
        f"/organizations/{organization.pk}/invitations",
        {"email": "new@example.com", "role": "MEMBER"},
        format="json",
    )
    revoked = admin.delete(
        f"/organizations/{organization.pk}/invitations/{created.json()['id']}"
    )

    assert (created.status_code, revoked.status_code) == (201, 204)


def test_m05_member_reads_the_organization_but_manages_nothing(organization):
    member = client_for(MembershipFactory(organization=organization).user)
    base = f"/organizations/{organization.pk}"

    assert member.get(base).status_code == 200
    assert member.get(f"{base}/members").status_code == 200
    invite = member.post(
        f"{base}/invitations",
        {"email": "x@example.com", "role": "MEMBER"},
        format="json",
    )
    assert invite.status_code == 403


def test_m06_owner_changes_a_role(organization, user_client):
    member = MembershipFactory(organization=organization)

    response = user_client.patch(
        f"/organizations/{organization.pk}/members/{member.user_id}",
        {"role": "ADMIN"},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["role"] == "ADMIN"
    member.refresh_from_db()
    assert member.role == Role.ADMIN


def test_m06_role_change_to_owner_is_a_validation_error(organization, user_client):
    member = MembershipFactory(organization=organization)

    response = user_client.patch(
        f"/organizations/{organization.pk}/members/{member.user_id}",
        {"role": "OWNER"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "VALIDATION_ERROR"
    assert "role" in response.json()["details"]
    member.refresh_from_db()
    assert member.role == Role.MEMBER


def test_m06_owner_cannot_change_its_own_role(organization, user, user_client):
    response = user_client.patch(
        f"/organizations/{organization.pk}/members/{user.pk}",
        {"role": "MEMBER"},
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["code"] == "CANNOT_CHANGE_OWN_ROLE"
    assert organization.memberships.get(user=user).role == Role.OWNER


def test_m06_admin_cannot_change_roles(organization):
    admin = MembershipFactory(organization=organization, role=Role.ADMIN).user
    member = MembershipFactory(organization=organization)

    response = client_for(admin).patch(
        f"/organizations/{organization.pk}/members/{member.user_id}",
        {"role": "ADMIN"},
        format="json",
    )

    assert response.status_code == 403
    assert response.json()["code"] == "PERMISSION_DENIED"


def test_m06_role_change_of_a_non_member_is_not_found(organization, user_client):
    stranger = UserFactory()

    response = user_client.patch(
        f"/organizations/{organization.pk}/members/{stranger.pk}",
        {"role": "ADMIN"},
        format="json",
    )

    assert response.status_code == 404
    assert response.json()["code"] == "NOT_FOUND"


def test_m07_sixth_membership_is_refused_on_accept(user):
    MembershipFactory.create_batch(5, user=user)
    _invitation, token = invitation_with_token(email=user.email)

    response = client_for(user).post(f"/invitations/{token}/accept")

    assert response.status_code == 409
    assert response.json()["code"] == "MEMBERSHIP_LIMIT_REACHED"
    assert Membership.objects.filter(user=user).count() == 5


def test_m08_owner_cannot_leave(organization, user_client):
    response = user_client.delete(f"/organizations/{organization.pk}/members/me")

    assert response.status_code == 409
    assert response.json()["code"] == "OWNER_CANNOT_LEAVE"


def test_m08_owner_cannot_remove_itself(organization, user, user_client):
    response = user_client.delete(f"/organizations/{organization.pk}/members/{user.pk}")

    assert response.status_code == 409
    assert response.json()["code"] == "OWNER_CANNOT_LEAVE"
    assert organization.memberships.filter(user=user).exists()


def test_m08_member_leaves(organization):
    member = MembershipFactory(organization=organization)

    response = client_for(member.user).delete(
        f"/organizations/{organization.pk}/members/me"
    )

    assert response.status_code == 204
    assert not Membership.objects.filter(pk=member.pk).exists()


def test_m08_removal_ends_access_at_once(organization, user_client):
    member = MembershipFactory(organization=organization, role=Role.ADMIN)
    removed = client_for(member.user)
    assert removed.get(f"/organizations/{organization.pk}").status_code == 200

    response = user_client.delete(
        f"/organizations/{organization.pk}/members/{member.user_id}"
    )

    assert response.status_code == 204
    # The same access token, used right after: the organization is gone for it.
    assert removed.get(f"/organizations/{organization.pk}").status_code == 404
    assert (
        removed.get(f"/organizations/{organization.pk}/invitations").status_code == 404
    )
    assert removed.get("/organizations").json()["results"] == []


def test_m08_removing_a_non_member_is_not_found(organization, user_client):
    response = user_client.delete(
        f"/organizations/{organization.pk}/members/{UserFactory().pk}"
    )

    assert response.status_code == 404


def test_members_me_is_not_parsed_as_a_user_id(organization, user_client):
    response = user_client.patch(
        f"/organizations/{organization.pk}/members/me", {"role": "ADMIN"}, format="json"
    )

    assert response.status_code == 405
    assert response.json()["code"] == "METHOD_NOT_ALLOWED"
