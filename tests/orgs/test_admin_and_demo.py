import io

import pytest
from django.test import Client

from accounts.models import User
from orgs import demo
from orgs.models import Invitation, InvitationStatus, Membership, Organization, Role
from tests.accounts.factories import UserFactory
from tests.orgs.factories import (
    InvitationFactory,
    MembershipFactory,
    OrganizationFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client() -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("staff@example.com", "x" * 12))
    return client


def _inline_form(organization: Organization, rows: list[dict], **fields) -> dict:
    data = {
        "name": organization.name,
        "slug": organization.slug,
        "memberships-TOTAL_FORMS": str(len(rows)),
        "memberships-INITIAL_FORMS": str(sum(1 for row in rows if row.get("id"))),
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        **fields,
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"memberships-{index}-{key}"] = value
    return data


def _rows(organization: Organization) -> list[dict]:
    return [
        {
            "id": str(membership.pk),
            "organization": str(organization.pk),
            "user": str(membership.user_id),
            "role": membership.role,
        }
        for membership in organization.memberships.order_by("id")
    ]


@pytest.mark.parametrize(
    "url",
    [
        "/admin/orgs/organization/",
        "/admin/orgs/organization/?is_active__exact=1&q=seller",
        "/admin/orgs/membership/?role__exact=OWNER&q=example",
        "/admin/orgs/invitation/?status__exact=PENDING&q=invitee",
    ],
)
def test_admin_lists_are_searchable_and_filterable(staff_client, url):
    InvitationFactory()

    assert staff_client.get(url).status_code == 200


def test_admin_organization_page_shows_members_inline(staff_client):
    organization = OrganizationFactory()
    member = MembershipFactory(organization=organization)

    response = staff_client.get(f"/admin/orgs/organization/{organization.pk}/change/")

    assert response.status_code == 200
    assert member.user.email in response.content.decode()


def test_o04_admin_cannot_add_a_second_owner(staff_client):
    organization = OrganizationFactory()
    newcomer = UserFactory()
    rows = [*_rows(organization), {"user": str(newcomer.pk), "role": "OWNER"}]

    response = staff_client.post(
        f"/admin/orgs/organization/{organization.pk}/change/",
        _inline_form(organization, rows),
    )

    assert response.status_code == 200  # the form comes back with an error
    assert organization.memberships.filter(role=Role.OWNER).count() == 1
    assert not Membership.objects.filter(user=newcomer).exists()


def test_o04_admin_cannot_demote_or_remove_the_owner(staff_client):
    organization = OrganizationFactory()
    rows = _rows(organization)
    rows[0] |= {"role": "MEMBER", "DELETE": "on"}

    staff_client.post(
        f"/admin/orgs/organization/{organization.pk}/change/",
        _inline_form(organization, rows),
    )

    owner = organization.memberships.get(user=organization.owner)
    assert owner.role == Role.OWNER


def test_admin_adds_a_member_within_the_caps(staff_client):
    organization = OrganizationFactory()
    newcomer = UserFactory()
    rows = [*_rows(organization), {"user": str(newcomer.pk), "role": "ADMIN"}]

    response = staff_client.post(
        f"/admin/orgs/organization/{organization.pk}/change/",
        _inline_form(organization, rows),
    )

    assert response.status_code == 302
    assert organization.memberships.get(user=newcomer).role == Role.ADMIN


def test_m07_admin_addition_respects_the_membership_cap(staff_client):
    organization = OrganizationFactory()
    busy = UserFactory()
    MembershipFactory.create_batch(5, user=busy)
    rows = [*_rows(organization), {"user": str(busy.pk), "role": "MEMBER"}]

    staff_client.post(
        f"/admin/orgs/organization/{organization.pk}/change/",
        _inline_form(organization, rows),
    )

    assert not organization.memberships.filter(user=busy).exists()


def test_admin_cannot_add_or_delete_organizations_or_add_invitations(staff_client):
    organization = OrganizationFactory()

    assert staff_client.get("/admin/orgs/organization/add/").status_code == 403
    assert staff_client.get("/admin/orgs/invitation/add/").status_code == 403
    delete_url = f"/admin/orgs/organization/{organization.pk}/delete/"
    assert staff_client.get(delete_url).status_code == 403


def test_admin_invitation_page_shows_the_hash_read_only(staff_client):
    invitation = InvitationFactory()

    response = staff_client.get(f"/admin/orgs/invitation/{invitation.pk}/change/")

    assert response.status_code == 200
    assert 'name="token_hash"' not in response.content.decode()


def test_i07_admin_revoke_action(staff_client):
    pending = InvitationFactory()
    accepted = InvitationFactory(status=InvitationStatus.ACCEPTED)

    staff_client.post(
        "/admin/orgs/invitation/",
        {"action": "revoke", "_selected_action": [str(pending.pk), str(accepted.pk)]},
    )

    pending.refresh_from_db()
    accepted.refresh_from_db()
    assert (pending.status, accepted.status) == ("REVOKED", "ACCEPTED")


def test_o05_admin_soft_delete_action(staff_client):
    organization = OrganizationFactory()

    staff_client.post(
        "/admin/orgs/organization/",
        {"action": "delete_softly", "_selected_action": [str(organization.pk)]},
    )

    organization.refresh_from_db()
    assert organization.deleted_at is not None and organization.is_active is False


def test_seed_demo_builds_sellers_and_is_idempotent(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        demo.seed(stdout=io.StringIO())
    counts = (
        Organization.objects.count(),
        Membership.objects.count(),
        Invitation.objects.filter(status=InvitationStatus.PENDING).count(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        demo.seed(stdout=io.StringIO())

    assert counts == (
        Organization.objects.count(),
        Membership.objects.count(),
        Invitation.objects.filter(status=InvitationStatus.PENDING).count(),
    )
    assert counts[0] == len(demo.SELLERS)
    assert counts[2] >= 2
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == {Role.OWNER, Role.ADMIN, Role.MEMBER}
    owner = User.objects.get(email="owner1@example.com")
    assert owner.check_password(demo.DEMO_PASSWORD)
