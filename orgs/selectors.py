"""Reads on organizations and memberships."""
from uuid import UUID

from accounts.models import User
from orgs.models import Membership, Organization


def organizations_owned_active_exist(*, user: User) -> bool:
    """Whether the user owns an organization that has not been deleted."""
    return Organization.objects.filter(owner=user, deleted_at__isnull=True).exists()


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
