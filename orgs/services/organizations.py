"""Writes on organizations: create, rename, delete, transfer ownership."""

import logging
import secrets
from uuid import UUID

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User
from catalog.cache import catalog_changed
from marketplace.tasks import enqueue_on_commit
from orgs import tasks
from orgs.exceptions import AlreadyOwner, NotAMember, SlugTaken
from orgs.models import (
    SLUG_MAX_LENGTH,
    InvitationStatus,
    Membership,
    Organization,
    Role,
)
from orgs.services.locks import (
    memberships_cap_check,
    organization_lock,
    owned_cap_check,
    owner_check,
    user_lock,
)

logger = logging.getLogger(__name__)

_SLUG_BASE_MAX = SLUG_MAX_LENGTH - 5  # room for "-" and a four-character suffix


def organization_create(
    *, user: User, name: str, slug: str | None = None
) -> Organization:
    """O-01/O-03: create the organization with the caller as its OWNER.

    O-02 and M-07 are checked under the user's row lock, so two concurrent
    creates by one user count one after the other.
    """
    with transaction.atomic():
        owner = user_lock(user_id=user.pk)
        owned_cap_check(user=owner)
        memberships_cap_check(user=owner)

        organization = _organization_insert(owner=owner, name=name, slug=slug)
        Membership.objects.create(
            organization=organization, user=owner, role=Role.OWNER
        )

    logger.info(
        "Organization created",
        extra={"organization_id": str(organization.pk), "user_id": str(user.pk)},
    )
    return organization


def _organization_insert(*, owner: User, name: str, slug: str | None) -> Organization:
    if slug:
        return _insert_with_slug(owner=owner, name=name, slug=slug)

    base = slugify(name)[:_SLUG_BASE_MAX].strip("-") or "organization"
    candidate = base
    # A taken slug gets a random suffix; the unique index decides races.
    for _attempt in range(5):
        if not Organization.objects.filter(slug=candidate).exists():
            try:
                return _insert_with_slug(owner=owner, name=name, slug=candidate)
            except SlugTaken:
                pass
        candidate = f"{base}-{secrets.token_hex(2)}"
    raise SlugTaken(slug=candidate)


def _insert_with_slug(*, owner: User, name: str, slug: str) -> Organization:
    try:
        with transaction.atomic():
            return Organization.objects.create(name=name, slug=slug, owner=owner)
    except IntegrityError:
        raise SlugTaken(slug=slug) from None


def organization_update(
    *,
    organization_id: UUID,
    actor: User | None,
    name: str | None = None,
    slug: str | None = None,
) -> Organization:
    """O-06: rename the organization or change its slug (globally unique)."""
    with transaction.atomic():
        organization = organization_lock(organization_id=organization_id)
        owner_check(organization=organization, actor=actor)
        if name is not None:
            organization.name = name
        if slug is not None:
            organization.slug = slug
        try:
            with transaction.atomic():
                organization.save(update_fields=["name", "slug", "updated_at"])
        except IntegrityError:
            raise SlugTaken(slug=slug) from None
        # Catalog entries show the organization's name and slug.
        transaction.on_commit(catalog_changed)
    return organization


def organization_delete(*, organization_id: UUID, user: User | None) -> Organization:
    """O-05: hide the organization at once and schedule its cleanup.

    `user` must still be the OWNER once the row is locked (None for staff).
    Pending invitations are revoked in the same transaction, so none can be
    accepted into an organization that is going away.
    """
    with transaction.atomic():
        organization = organization_lock(organization_id=organization_id)
        owner_check(organization=organization, actor=user)
        now = timezone.now()
        organization.deleted_at = now
        organization.is_active = False
        organization.save(update_fields=["deleted_at", "is_active", "updated_at"])
        organization.invitations.filter(status=InvitationStatus.PENDING).update(
            status=InvitationStatus.REVOKED, responded_at=now
        )
        # P-07: its products leave the public catalog at once.
        transaction.on_commit(catalog_changed)
        # With the broker down, the every-minute sweep does the cleanup.
        enqueue_on_commit(
            tasks.organization_cleanup_task, organization_id=str(organization.pk)
        )

    logger.info(
        "Organization deleted; cleanup scheduled",
        extra={
            "organization_id": str(organization.pk),
            "user_id": str(user.pk) if user else None,
        },
    )
    return organization


def organization_transfer(
    *, organization_id: UUID, target_user_id: UUID, actor: User | None
) -> Organization:
    """O-04: make a member the OWNER; the old OWNER becomes ADMIN.

    `actor` must still be the OWNER once the row is locked (None for staff),
    so of two concurrent transfers the second is refused. The target's own
    O-02 cap applies. The one-OWNER constraint is checked per statement, so
    the old OWNER is demoted before the target is promoted.
    """
    with transaction.atomic():
        organization = organization_lock(organization_id=organization_id)
        owner_check(organization=organization, actor=actor)
        target = _transfer_target(organization=organization, user_id=target_user_id)
        target_user = user_lock(user_id=target.user_id)
        if not target_user.is_active:
            raise NotAMember(user_id=str(target_user_id))
        owned_cap_check(user=target_user)

        previous_owner_id = organization.owner_id
        Membership.objects.filter(organization=organization, role=Role.OWNER).update(
            role=Role.ADMIN
        )
        target.role = Role.OWNER
        target.save(update_fields=["role"])
        organization.owner = target_user
        organization.save(update_fields=["owner", "updated_at"])

    logger.info(
        "Organization ownership transferred",
        extra={
            "organization_id": str(organization.pk),
            "previous_owner_id": str(previous_owner_id),
            "user_id": str(target_user.pk),
        },
    )
    return organization


def _transfer_target(*, organization: Organization, user_id: UUID) -> Membership:
    target = (
        Membership.objects.select_for_update(of=("self",))
        .filter(organization=organization, user_id=user_id)
        .first()
    )
    if target is None:
        raise NotAMember(user_id=str(user_id))
    if target.role == Role.OWNER:
        raise AlreadyOwner(user_id=["This user is already the OWNER."])
    return target
