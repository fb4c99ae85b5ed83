"""Writes on invitations: create, revoke, accept, reject (I-01..I-08).

The raw token exists only in memory, in the e-mail and, until the e-mail is
sent, in Redis; the database keeps its SHA-256 (I-02). Nothing logs it.
"""

import logging
import secrets
from dataclasses import dataclass
from uuid import UUID

from django.db import transaction
from django.utils import timezone

from accounts.models import User, normalize_email
from marketplace.errors import NotFound
from orgs import selectors, tasks
from orgs.exceptions import (
    AlreadyMember,
    InvitationEmailMismatch,
    InvitationExpired,
    InvitationNotPending,
    RoleTooLow,
)
from orgs.limits import INVITATION_TTL
from orgs.models import (
    ASSIGNABLE_ROLES,
    ROLE_RANK,
    Invitation,
    InvitationStatus,
    Membership,
    Organization,
    Role,
)
from orgs.services.locks import (
    members_cap_check,
    memberships_cap_check,
    organization_lock,
    user_lock,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class IssuedInvitation:
    """A new invitation and its raw token, which only the e-mail receives."""

    invitation: Invitation
    token: str


def invitation_create(
    *, organization_id: UUID, inviter: User, email: str, role: str
) -> IssuedInvitation:
    """I-01/I-06: invite an e-mail to the organization and mail the link.

    A previous PENDING invitation to the same e-mail becomes SUPERSEDED.
    """
    if role not in ASSIGNABLE_ROLES:
        raise ValueError(f"Role {role!r} cannot be invited; transfer ownership.")
    email = normalize_email(email)

    with transaction.atomic():
        organization = organization_lock(organization_id=organization_id)
        _inviter_role_check(organization=organization, inviter=inviter, role=role)
        members = Membership.objects.filter(organization=organization)
        if members.filter(user__email=email).exists():
            raise AlreadyMember(email=email)
        members_cap_check(organization=organization)

        now = timezone.now()
        superseded = organization.invitations.filter(
            email=email, status=InvitationStatus.PENDING
        ).update(status=InvitationStatus.SUPERSEDED, responded_at=now)
        token = secrets.token_urlsafe(32)
        invitation = Invitation.objects.create(
            organization=organization,
            email=email,
            role=role,
            token_hash=selectors.invitation_token_hash(token=token),
            invited_by=inviter,
            expires_at=now + INVITATION_TTL,
        )
        # robust: the invitation stands even if the queue is unreachable;
        # a new invitation to the same e-mail sends a fresh link.
        transaction.on_commit(
            lambda: tasks.invitation_email_enqueue(
                invitation_id=invitation.pk, token=token
            ),
            robust=True,
        )

    logger.info(
        "Invitation created (%d superseded)",
        superseded,
        extra=_context(invitation, inviter),
    )
    return IssuedInvitation(invitation=invitation, token=token)


def _inviter_role_check(
    *, organization: Organization, inviter: User, role: str
) -> None:
    membership = Membership.objects.filter(
        organization=organization, user=inviter
    ).first()
    if membership is None:
        raise NotFound()
    # I-01: an ADMIN invites MEMBERs only; ADMINs are the OWNER's call.
    if membership.role != Role.OWNER and ROLE_RANK[membership.role] <= ROLE_RANK[role]:
        raise RoleTooLow("Only the OWNER may invite an ADMIN.", role=role)


def invitation_revoke(
    *, organization_id: UUID, invitation_id: UUID, actor: User | None
) -> Invitation:
    """I-07: revoke a PENDING invitation."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .filter(
                pk=invitation_id,
                organization_id=organization_id,
                organization__deleted_at__isnull=True,
            )
            .first()
        )
        if invitation is None:
            raise NotFound()
        if invitation.status != InvitationStatus.PENDING:
            raise InvitationNotPending(status=invitation.status)
        _respond(invitation, InvitationStatus.REVOKED)

    logger.info("Invitation revoked", extra=_context(invitation, actor))
    return invitation


def invitation_accept(*, token: str, user: User) -> Membership:
    """I-04/I-05/I-08: join the organization and mark the invitation ACCEPTED."""
    invitation = _invitation_for_response(token=token)

    with transaction.atomic():
        organization = organization_lock(
            organization_id=invitation.organization_id, live=False
        )
        invitation = _respondable_lock(invitation_id=invitation.pk, user=user)
        member = user_lock(user_id=user.pk)
        if Membership.objects.filter(organization=organization, user=member).exists():
            raise AlreadyMember(user_id=str(user.pk))
        members_cap_check(organization=organization)
        memberships_cap_check(user=member)

        membership = Membership.objects.create(
            organization=organization, user=member, role=invitation.role
        )
        _respond(invitation, InvitationStatus.ACCEPTED)

    logger.info("Invitation accepted", extra=_context(invitation, user))
    return membership


def invitation_reject(*, token: str, user: User) -> Invitation:
    """Turn a PENDING invitation down: it becomes REJECTED."""
    invitation = _invitation_for_response(token=token)

    with transaction.atomic():
        invitation = _respondable_lock(invitation_id=invitation.pk, user=user)
        _respond(invitation, InvitationStatus.REJECTED)

    logger.info("Invitation rejected", extra=_context(invitation, user))
    return invitation


def invitations_expire() -> int:
    """Mark every PENDING invitation past its expiry EXPIRED; return how many.

    One conditional UPDATE: running it twice, or twice at once, marks each
    invitation once and never touches a terminal state.
    """
    now = timezone.now()
    expired = Invitation.objects.filter(
        status=InvitationStatus.PENDING, expires_at__lte=now
    ).update(status=InvitationStatus.EXPIRED, responded_at=now)
    if expired:
        logger.info("Invitations expired: %d", expired, extra={"count": expired})
    return expired


def _invitation_for_response(*, token: str) -> Invitation:
    """Find the token's invitation; mark it EXPIRED first if it is overdue.

    The mark commits on its own, so the 410 that follows does not undo it.
    """
    invitation = selectors.invitation_get_by_token(token=token)
    if invitation is None:
        raise NotFound()

    now = timezone.now()
    with transaction.atomic():
        Invitation.objects.filter(
            pk=invitation.pk, status=InvitationStatus.PENDING, expires_at__lte=now
        ).update(status=InvitationStatus.EXPIRED, responded_at=now)
    return invitation


def _respondable_lock(*, invitation_id: UUID, user: User) -> Invitation:
    invitation = Invitation.objects.select_for_update(of=("self",)).get(
        pk=invitation_id
    )
    if invitation.status == InvitationStatus.EXPIRED or (
        invitation.status == InvitationStatus.PENDING
        and invitation.expires_at <= timezone.now()
    ):
        raise InvitationExpired(expires_at=invitation.expires_at.isoformat())
    if invitation.status != InvitationStatus.PENDING:
        raise InvitationNotPending(status=invitation.status)
    if invitation.email != normalize_email(user.email):
        raise InvitationEmailMismatch()
    return invitation


def _respond(invitation: Invitation, status: str) -> None:
    invitation.status = status
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at"])


def _context(invitation: Invitation, user: User | None) -> dict:
    return {
        "invitation_id": str(invitation.pk),
        "organization_id": str(invitation.organization_id),
        "user_id": str(user.pk) if user else None,
    }
