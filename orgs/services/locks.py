"""Row locks and the cap checks they make race-free.

Every service that checks a cap takes the row the cap hangs on with
SELECT ... FOR UPDATE before counting, so two concurrent requests count one
after the other and cannot both take the last free slot:

- M-01 (members per organization) hangs on the organization row;
- O-02 and M-07 (organizations owned, memberships held) hang on the user row.

Lock order, everywhere: the organization, then its memberships or
invitations, then the user. No service locks a user and then an
organization, so two services can never wait on each other in a cycle
(accounts.services.user_deactivate locks only the user).
"""

from uuid import UUID

from accounts.models import User
from marketplace.errors import NotFound
from orgs import selectors
from orgs.exceptions import (
    MemberLimitReached,
    MembershipLimitReached,
    OrgLimitReached,
    RoleTooLow,
)
from orgs.limits import MEMBERS_MAX, MEMBERSHIPS_MAX, OWNED_ORGANIZATIONS_MAX
from orgs.models import Organization


def organization_lock(*, organization_id: UUID, live: bool = True) -> Organization:
    """Lock the organization's row; a deleted one is NotFound when `live`."""
    organizations = Organization.objects.select_for_update(of=("self",))
    if live:
        organizations = organizations.filter(deleted_at__isnull=True)
    organization = organizations.filter(pk=organization_id).first()
    if organization is None:
        raise NotFound()
    return organization


def owner_check(*, organization: Organization, actor: User | None) -> None:
    """Refuse unless `actor` still owns the locked organization (None: staff).

    The permission class checked the role before the lock; a transfer may
    have committed in between.
    """
    if actor is not None and organization.owner_id != actor.pk:
        raise RoleTooLow("Only the organization's OWNER may do this.")


def user_lock(*, user_id: UUID) -> User:
    """Lock the user's row, the anchor of the per-user caps."""
    return User.objects.select_for_update(of=("self",)).get(pk=user_id)


def owned_cap_check(*, user: User) -> None:
    """O-02: refuse a third owned organization. Hold the user's lock."""
    owned = selectors.organizations_owned_count(user=user)
    if owned >= OWNED_ORGANIZATIONS_MAX:
        raise OrgLimitReached(limit=OWNED_ORGANIZATIONS_MAX, user_id=str(user.pk))


def memberships_cap_check(*, user: User) -> None:
    """M-07: refuse a sixth membership. Hold the user's lock."""
    if selectors.memberships_count(user=user) >= MEMBERSHIPS_MAX:
        raise MembershipLimitReached(limit=MEMBERSHIPS_MAX, user_id=str(user.pk))


def members_cap_check(*, organization: Organization) -> None:
    """M-01: refuse an eleventh member. Hold the organization's lock."""
    if selectors.members_count(organization=organization) >= MEMBERS_MAX:
        raise MemberLimitReached(
            limit=MEMBERS_MAX, organization_id=str(organization.pk)
        )
