"""Writes on memberships: role changes, removal, leaving, staff additions."""

import logging
from uuid import UUID

from django.db import transaction

from accounts.models import User
from marketplace.errors import NotFound
from orgs.exceptions import AlreadyMember, CannotChangeOwnRole, OwnerCannotLeave
from orgs.models import ASSIGNABLE_ROLES, Membership, Organization, Role
from orgs.services.locks import (
    members_cap_check,
    memberships_cap_check,
    organization_lock,
    owner_check,
    user_lock,
)

logger = logging.getLogger(__name__)


def membership_role_change(
    *, organization_id: UUID, user_id: UUID, role: str, actor: User | None
) -> Membership:
    """M-06: set a member's role to ADMIN or MEMBER.

    `actor` is the OWNER making the change (None for staff in the admin).
    The OWNER's own row never changes here, whoever asks.
    """
    if role not in ASSIGNABLE_ROLES:
        raise ValueError(f"Role {role!r} cannot be assigned; transfer ownership.")

    with transaction.atomic():
        organization = organization_lock(organization_id=organization_id)
        owner_check(organization=organization, actor=actor)
        membership = _membership_lock(organization=organization, user_id=user_id)
        if membership.role == Role.OWNER or (actor and actor.pk == user_id):
            raise CannotChangeOwnRole(user_id=str(user_id))
        previous = membership.role
        membership.role = role
        membership.save(update_fields=["role"])

    logger.info(
        "Member role changed from %s to %s",
        previous,
        role,
        extra=_context(membership, actor),
    )
    return membership


def membership_remove(
    *, organization_id: UUID, user_id: UUID, actor: User | None
) -> None:
    """M-08: remove a member, or leave when `actor` is that member.

    Removing someone else is the OWNER's (or staff's, `actor` None); the
    OWNER cannot be removed or leave. Access ends with the row: memberships
    are read from the database on every request.
    """
    with transaction.atomic():
        organization = organization_lock(organization_id=organization_id)
        if actor is None or actor.pk != user_id:
            owner_check(organization=organization, actor=actor)
        membership = _membership_lock(organization=organization, user_id=user_id)
        if membership.role == Role.OWNER:
            raise OwnerCannotLeave(user_id=str(user_id))
        membership.delete()

    logger.info("Member removed", extra=_context(membership, actor))


def membership_add(*, organization_id: UUID, user_id: UUID, role: str) -> Membership:
    """Add a member directly (staff in the admin, the demo), within every cap.

    Users join through invitations; this is the same write without one.
    """
    if role not in ASSIGNABLE_ROLES:
        raise ValueError(f"Role {role!r} cannot be assigned; transfer ownership.")

    with transaction.atomic():
        organization = organization_lock(organization_id=organization_id)
        user = user_lock(user_id=user_id)
        if Membership.objects.filter(organization=organization, user=user).exists():
            raise AlreadyMember(user_id=str(user_id))
        members_cap_check(organization=organization)
        memberships_cap_check(user=user)
        membership = Membership.objects.create(
            organization=organization, user=user, role=role
        )

    logger.info("Member added", extra=_context(membership, None))
    return membership


def _membership_lock(*, organization: Organization, user_id: UUID) -> Membership:
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .filter(organization=organization, user_id=user_id)
        .first()
    )
    if membership is None:
        raise NotFound()
    return membership


def _context(membership: Membership, actor: User | None) -> dict:
    return {
        "organization_id": str(membership.organization_id),
        "member_user_id": str(membership.user_id),
        "user_id": str(actor.pk) if actor else None,
    }
