from django.conf import settings
from django.db import models

from marketplace.models import TimestampedModel, UUIDModel


class Role(models.TextChoices):
    OWNER = "OWNER"
    ADMIN = "ADMIN"
    MEMBER = "MEMBER"


# M-06/I-01: the roles a role change or an invitation may give; only
# transfer-ownership makes an OWNER.
ASSIGNABLE_ROLES = (Role.ADMIN, Role.MEMBER)
ASSIGNABLE_ROLE_CHOICES = [(role.value, role.label) for role in ASSIGNABLE_ROLES]

SLUG_MAX_LENGTH = 60

# M-02: a higher rank may do everything a lower one may. Keyed by str: a
# membership's role loads from the database as a plain string.
ROLE_RANK: dict[str, int] = {Role.MEMBER: 1, Role.ADMIN: 2, Role.OWNER: 3}


class Organization(TimestampedModel):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=SLUG_MAX_LENGTH, unique=True)
    # Mirrors the OWNER membership so O-02 and U-08 are one indexed lookup.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_organizations",
    )
    is_active = models.BooleanField(default=True)
    currency = models.CharField(max_length=3, default="BRL")
    # O-05: set when the owner deletes it; the cleanup job sets cleaned_up_at.
    deleted_at = models.DateTimeField(null=True, blank=True)
    cleaned_up_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            # O-05: is_active mirrors deleted_at, and only a deleted
            # organization can have been cleaned up.
            models.CheckConstraint(
                condition=models.Q(deleted_at__isnull=True) | models.Q(is_active=False),
                name="organization_deleted_is_inactive",
            ),
            models.CheckConstraint(
                condition=models.Q(cleaned_up_at__isnull=True)
                | models.Q(deleted_at__isnull=False),
                name="organization_cleaned_only_if_deleted",
            ),
        ]
        indexes = [models.Index(fields=["owner", "cleaned_up_at"])]

    def __str__(self) -> str:
        return self.name


class Membership(UUIDModel):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user"], name="membership_unique_user"
            ),
            # O-04: exactly one OWNER, enforced by the database as well.
            models.UniqueConstraint(
                fields=["organization"],
                condition=models.Q(role="OWNER"),
                name="membership_one_owner",
            ),
        ]
        indexes = [
            # The member list: one organization, newest first, keyset pages.
            models.Index(fields=["organization", "-id"], name="membership_org_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.organization_id} as {self.role}"


class InvitationStatus(models.TextChoices):
    PENDING = "PENDING"
    ACCEPTED = "ACCEPTED"
    REJECTED = "REJECTED"
    REVOKED = "REVOKED"
    EXPIRED = "EXPIRED"
    SUPERSEDED = "SUPERSEDED"


class Invitation(UUIDModel):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(max_length=254)
    role = models.CharField(max_length=10, choices=Role.choices)
    status = models.CharField(
        max_length=10,
        choices=InvitationStatus.choices,
        default=InvitationStatus.PENDING,
    )
    # I-02: only the SHA-256 of the token is stored.
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            # I-06: a new invitation supersedes the pending one.
            models.UniqueConstraint(
                fields=["organization", "email"],
                condition=models.Q(status="PENDING"),
                name="invitation_one_pending_per_email",
            ),
            # I-01: only transfer-ownership makes an OWNER.
            models.CheckConstraint(
                condition=models.Q(role__in=["ADMIN", "MEMBER"]),
                name="invitation_role_not_owner",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "expires_at"]),
            models.Index(fields=["organization", "-id"], name="invitation_org_newest"),
            models.Index(
                fields=["organization", "status", "-id"], name="invitation_org_status"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} to {self.organization_id} ({self.status})"
