import pytest

from orgs.models import Invitation, InvitationStatus, Membership, Organization, Role
from tests.accounts.factories import UserFactory
from tests.conftest import client_for
from tests.orgs.factories import (
    InvitationFactory,
    MembershipFactory,
    OrganizationFactory,
)

pytestmark = pytest.mark.django_db

ORG_FIELDS = {"id", "name", "slug", "owner_id", "is_active", "currency", "created_at"}


def test_o01_o03_creator_becomes_owner_in_the_same_transaction(user, user_client):
    response = user_client.post("/organizations", {"name": "Acme Ltd"}, format="json")

    assert response.status_code == 201
    body = response.json()
    assert set(body) == ORG_FIELDS
    assert body["owner_id"] == str(user.pk)
    assert body["is_active"] is True
    assert body["currency"] == "BRL"
    assert body["created_at"].endswith("Z")
    membership = Membership.objects.get(organization_id=body["id"])
    assert (membership.user, membership.role) == (user, Role.OWNER)


def test_o01_organization_create_rolls_back_when_the_owner_row_fails(user, monkeypatch):
    from orgs.services import organizations

    def broken_create(**kwargs):
        raise RuntimeError("membership insert failed")

    monkeypatch.setattr(organizations.Membership.objects, "create", broken_create)

    with pytest.raises(RuntimeError):
        organizations.organization_create(user=user, name="Half made")

    assert not Organization.objects.filter(name="Half made").exists()


def test_o01_anonymous_cannot_create(api_client):
    response = api_client.post("/organizations", {"name": "Acme"}, format="json")

    assert response.status_code == 401
    assert response.json()["code"] == "NOT_AUTHENTICATED"


def test_o01_name_is_required(user_client):
    response = user_client.post("/organizations", {"slug": "acme"}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "VALIDATION_ERROR"
    assert "name" in response.json()["details"]


def test_o02_third_owned_organization_is_refused(user, user_client):
    OrganizationFactory.create_batch(2, owner=user)

    response = user_client.post("/organizations", {"name": "Third"}, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "ORG_LIMIT_REACHED"
    assert Organization.objects.filter(owner=user).count() == 2


def test_o02_deleted_but_not_cleaned_organization_still_counts(user, user_client):
    first, _second = OrganizationFactory.create_batch(2, owner=user)
    user_client.delete(f"/organizations/{first.pk}")
    Organization.objects.filter(pk=first.pk).update(cleaned_up_at=None)

    response = user_client.post("/organizations", {"name": "Third"}, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "ORG_LIMIT_REACHED"


def test_o02_o05_slot_frees_once_cleanup_finished(
    user, user_client, django_capture_on_commit_callbacks
):
    first, _second = OrganizationFactory.create_batch(2, owner=user)

    with django_capture_on_commit_callbacks(execute=True):
        deleted = user_client.delete(f"/organizations/{first.pk}")
    response = user_client.post("/organizations", {"name": "Third"}, format="json")

    assert deleted.status_code == 202
    first.refresh_from_db()
    assert first.cleaned_up_at is not None
    assert response.status_code == 201


def test_m07_creating_an_organization_counts_as_a_membership(user, user_client):
    MembershipFactory.create_batch(5, user=user)

    response = user_client.post("/organizations", {"name": "Sixth"}, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "MEMBERSHIP_LIMIT_REACHED"


def test_o06_slug_is_generated_from_the_name(user_client):
    response = user_client.post(
        "/organizations", {"name": "Café & Cia Ltda"}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["slug"] == "cafe-cia-ltda"


def test_o06_generated_slug_gets_a_suffix_when_taken(user_client):
    OrganizationFactory(slug="acme")

    response = user_client.post("/organizations", {"name": "Acme"}, format="json")

    assert response.status_code == 201
    slug = response.json()["slug"]
    assert slug.startswith("acme-") and len(slug) == len("acme-") + 4


def test_o06_name_without_letters_still_gets_a_slug(user_client):
    response = user_client.post("/organizations", {"name": "!!!"}, format="json")

    assert response.status_code == 201
    assert response.json()["slug"] == "organization"


def test_o06_explicit_slug_taken_is_refused(user_client):
    OrganizationFactory(slug="acme")

    response = user_client.post(
        "/organizations", {"name": "Other", "slug": "acme"}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "SLUG_TAKEN"


def test_o06_slug_of_a_deleted_organization_stays_taken(user_client):
    OrganizationFactory(slug="acme", deleted_at="2026-01-01T00:00:00Z", is_active=False)

    response = user_client.post(
        "/organizations", {"name": "Other", "slug": "acme"}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "SLUG_TAKEN"


def test_o06_slug_is_lowercased_and_validated(user_client):
    ok = user_client.post(
        "/organizations", {"name": "A", "slug": "My-Shop"}, format="json"
    )
    bad = user_client.post(
        "/organizations", {"name": "B", "slug": "no spaces!"}, format="json"
    )

    assert ok.status_code == 201
    assert ok.json()["slug"] == "my-shop"
    assert bad.status_code == 400
    assert "slug" in bad.json()["details"]


def test_o06_generated_slug_lost_to_a_race_retries_with_a_suffix(user, monkeypatch):
    from orgs.services import organizations

    OrganizationFactory(slug="acme")
    # Another request takes the slug between the check and the insert.
    monkeypatch.setattr(
        organizations.Organization.objects,
        "filter",
        lambda **kwargs: Organization.objects.none(),
    )

    organization = organizations.organization_create(user=user, name="Acme")

    assert organization.slug.startswith("acme-")


def test_list_shows_only_my_live_organizations_with_my_role(user, user_client):
    owned = OrganizationFactory(owner=user)
    joined = MembershipFactory(user=user, role=Role.ADMIN).organization
    OrganizationFactory()
    deleted = OrganizationFactory(owner=user)
    user_client.delete(f"/organizations/{deleted.pk}")

    response = user_client.get("/organizations")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"next", "previous", "results"}
    roles = {item["id"]: item["role"] for item in body["results"]}
    assert roles == {str(owned.pk): "OWNER", str(joined.pk): "ADMIN"}
    assert set(body["results"][0]) == ORG_FIELDS | {"role"}


def test_list_pages_with_a_cursor(user, user_client):
    for _ in range(3):
        MembershipFactory(user=user)

    first = user_client.get("/organizations?page_size=2").json()
    second = user_client.get(first["next"]).json()

    ids = [item["id"] for item in first["results"] + second["results"]]
    assert len(ids) == len(set(ids)) == 3


def test_get_organization_as_member(user, user_client):
    organization = MembershipFactory(user=user).organization

    response = user_client.get(f"/organizations/{organization.pk}")

    assert response.status_code == 200
    assert response.json()["id"] == str(organization.pk)
    assert "role" not in response.json()


def test_o06_patch_renames_and_changes_slug(user, user_client):
    organization = OrganizationFactory(owner=user)

    response = user_client.patch(
        f"/organizations/{organization.pk}",
        {"name": "New name", "slug": "new-slug"},
        format="json",
    )

    assert response.status_code == 200
    organization.refresh_from_db()
    assert (organization.name, organization.slug) == ("New name", "new-slug")


def test_o06_patch_to_a_taken_slug_is_refused(user, user_client):
    organization = OrganizationFactory(owner=user)
    OrganizationFactory(slug="taken")

    response = user_client.patch(
        f"/organizations/{organization.pk}", {"slug": "taken"}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "SLUG_TAKEN"


def test_o06_patch_keeping_its_own_slug_is_fine(user, user_client):
    organization = OrganizationFactory(owner=user, slug="mine")

    response = user_client.patch(
        f"/organizations/{organization.pk}", {"slug": "mine"}, format="json"
    )

    assert response.status_code == 200


def test_o05_delete_answers_202_and_hides_the_organization_at_once(
    user, user_client, django_capture_on_commit_callbacks
):
    organization = OrganizationFactory(owner=user)

    with django_capture_on_commit_callbacks() as callbacks:
        response = user_client.delete(f"/organizations/{organization.pk}")

    assert response.status_code == 202
    organization.refresh_from_db()
    assert organization.deleted_at is not None
    assert organization.is_active is False
    assert organization.cleaned_up_at is None  # the job runs after the commit
    assert user_client.get(f"/organizations/{organization.pk}").status_code == 404
    assert (
        user_client.get(f"/organizations/{organization.pk}/members").status_code == 404
    )
    assert user_client.get("/organizations").json()["results"] == []
    for callback in callbacks:
        callback()
    organization.refresh_from_db()
    assert organization.cleaned_up_at is not None


def test_o05_delete_revokes_pending_invitations(user, user_client):
    organization = OrganizationFactory(owner=user)
    invitation = InvitationFactory(organization=organization)

    user_client.delete(f"/organizations/{organization.pk}")

    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.REVOKED


def test_o04_transfer_ownership_to_a_member(user, user_client):
    organization = OrganizationFactory(owner=user)
    target = MembershipFactory(organization=organization, role=Role.MEMBER).user

    response = user_client.post(
        f"/organizations/{organization.pk}/transfer-ownership",
        {"user_id": str(target.pk)},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["owner_id"] == str(target.pk)
    roles = dict(organization.memberships.values_list("user_id", "role"))
    assert roles == {user.pk: Role.ADMIN, target.pk: Role.OWNER}
    organization.refresh_from_db()
    assert organization.owner == target


def test_o04_transfer_to_a_non_member_is_refused(user, user_client):
    organization = OrganizationFactory(owner=user)
    stranger = UserFactory()

    response = user_client.post(
        f"/organizations/{organization.pk}/transfer-ownership",
        {"user_id": str(stranger.pk)},
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["code"] == "NOT_A_MEMBER"
    assert organization.memberships.get(role=Role.OWNER).user == user


def test_o04_transfer_respects_the_targets_o02_cap(user, user_client):
    organization = OrganizationFactory(owner=user)
    target = MembershipFactory(organization=organization).user
    OrganizationFactory.create_batch(2, owner=target)

    response = user_client.post(
        f"/organizations/{organization.pk}/transfer-ownership",
        {"user_id": str(target.pk)},
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["code"] == "ORG_LIMIT_REACHED"
    organization.refresh_from_db()
    assert organization.owner == user
    assert organization.memberships.get(user=user).role == Role.OWNER


def test_o04_transfer_to_the_owner_itself_is_invalid(user, user_client):
    organization = OrganizationFactory(owner=user)

    response = user_client.post(
        f"/organizations/{organization.pk}/transfer-ownership",
        {"user_id": str(user.pk)},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "VALIDATION_ERROR"
    assert "user_id" in response.json()["details"]


def test_o04_transfer_to_a_deactivated_member_is_refused(user, user_client):
    organization = OrganizationFactory(owner=user)
    target = MembershipFactory(organization=organization, user__is_active=False).user

    response = user_client.post(
        f"/organizations/{organization.pk}/transfer-ownership",
        {"user_id": str(target.pk)},
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["code"] == "NOT_A_MEMBER"


def test_o04_database_refuses_a_second_owner():
    from django.db import IntegrityError, transaction

    organization = OrganizationFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        MembershipFactory(organization=organization, role=Role.OWNER)


def test_o04_new_owner_can_act_and_old_owner_cannot(user, user_client):
    organization = OrganizationFactory(owner=user)
    target = MembershipFactory(organization=organization).user
    user_client.post(
        f"/organizations/{organization.pk}/transfer-ownership",
        {"user_id": str(target.pk)},
        format="json",
    )

    old_owner = user_client.patch(
        f"/organizations/{organization.pk}", {"name": "Mine"}, format="json"
    )
    new_owner = client_for(target).patch(
        f"/organizations/{organization.pk}", {"name": "Ours"}, format="json"
    )

    assert old_owner.status_code == 403
    assert new_owner.status_code == 200


def test_owner_must_transfer_stays_in_force_for_accounts(user, user_client):
    OrganizationFactory(owner=user)

    response = user_client.delete("/users/me")

    assert response.status_code == 409
    assert response.json()["code"] == "OWNER_MUST_TRANSFER"


def test_invitation_model_refuses_an_owner_role():
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        InvitationFactory(role=Role.OWNER)
    assert not Invitation.objects.exists()
