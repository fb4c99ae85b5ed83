"""Reads on organizations, memberships and invitations."""

import hashlib
from uuid import UUID

from django.db.models import OuterRef, QuerySet, Subquery

from accounts.models import User
from orgs.models import Invitation, Membership, Organization


def organizations_owned_active_exist(*, user: User) -> bool:
    """Whether the user owns an organization that has not been deleted."""
    return Organization.objects.filter(owner=user, deleted_at__isnull=True).exists()


def organizations_owned_count(*, user: User) -> int:
    """O-02: organizations the user owns that are live or still being cleaned."""
    return Organization.objects.filter(owner=user, cleaned_up_at__isnull=True).count()


def memberships_count(*, user: User) -> int:
    """M-07: organizations the user belongs to (cleanup removes the rows)."""
    return Membership.objects.filter(user=user).count()


def members_count(*, organization: Organization) -> int:
    """M-01: members of the organization, OWNER included."""
    return Membership.objects.filter(organization=organization).count()


def membership_get(*, user: User, organization_id: UUID) -> Membership | None:
    """The user's membership in a live (not deleted) organization, if any."""
    return (
        Membership.objects.select_related("organization")
        .filter(
            user=user,
            organization_id=organization_id,
            organization__deleted_at__isnull=True,
        )
        .first()
    )


def organizations_of_user(*, user: User) -> QuerySet[Organization]:
    """Live organizations the user belongs to, each annotated with its `role`."""
    role = Membership.objects.filter(organization=OuterRef("pk"), user=user).values(
        "role"
    )[:1]
    return Organization.objects.filter(
        deleted_at__isnull=True,
        id__in=Membership.objects.filter(user=user).values("organization_id"),
    ).annotate(role=Subquery(role))


def members_of(*, organization: Organization) -> QuerySet[Membership]:
    """The organization's memberships with their users, for the member list."""
    return Membership.objects.filter(organization=organization).select_related("user")


def invitations_of(
    *, organization: Organization, status: str | None = None
) -> QuerySet[Invitation]:
    """The organization's invitations in every status, or in one."""
    invitations = Invitation.objects.filter(organization=organization)
    if status is not None:
        invitations = invitations.filter(status=status)
    return invitations


def invitation_token_hash(*, token: str) -> str:
    """I-02: the stored form of an invitation token."""
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_get_by_token(*, token: str) -> Invitation | None:
    """The invitation a raw token designates, if any."""
    return Invitation.objects.filter(
        token_hash=invitation_token_hash(token=token)
    ).first()
