"""Shapes of organizations, members and invitations (SPEC section 3).

No serializer here exposes an invitation's token or its hash (I-02).
"""

import re

from rest_framework import serializers

from orgs.models import (
    ASSIGNABLE_ROLE_CHOICES,
    Invitation,
    InvitationStatus,
    Membership,
    Organization,
    Role,
)

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class OrganizationSerializer(serializers.ModelSerializer):
    owner_id = serializers.UUIDField(read_only=True)

    class Meta:
        model = Organization
        fields = [
            "id",
            "name",
            "slug",
            "owner_id",
            "is_active",
            "currency",
            "created_at",
        ]
        read_only_fields = fields


class OrganizationListItemSerializer(OrganizationSerializer):
    """An organization in the caller's listing, with the caller's role."""

    role = serializers.ChoiceField(choices=Role.choices, read_only=True)

    class Meta(OrganizationSerializer.Meta):
        fields = [*OrganizationSerializer.Meta.fields, "role"]
        read_only_fields = fields


class OrganizationWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    slug = serializers.CharField(max_length=60, required=False)

    def validate_slug(self, value: str) -> str:
        # Slugs are compared as sent, so they are kept in one case.
        slug = value.strip().lower()
        if not _SLUG.match(slug):
            raise serializers.ValidationError(
                "Use lowercase letters, digits and single hyphens."
            )
        return slug


class OrganizationUpdateSerializer(OrganizationWriteSerializer):
    name = serializers.CharField(max_length=120, required=False)


class TransferOwnershipSerializer(serializers.Serializer):
    user_id = serializers.UUIDField()


class MemberSerializer(serializers.ModelSerializer):
    user_id = serializers.UUIDField(read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)
    name = serializers.CharField(source="user.name", read_only=True)

    class Meta:
        model = Membership
        fields = ["user_id", "email", "name", "role", "joined_at"]
        read_only_fields = fields


class RoleChangeSerializer(serializers.Serializer):
    # M-06: OWNER is not a choice; only transfer-ownership makes one.
    role = serializers.ChoiceField(choices=ASSIGNABLE_ROLE_CHOICES)


class InvitationSerializer(serializers.ModelSerializer):
    organization_id = serializers.UUIDField(read_only=True)

    class Meta:
        model = Invitation
        fields = [
            "id",
            "organization_id",
            "email",
            "role",
            "status",
            "expires_at",
            "created_at",
        ]
        read_only_fields = fields


class InvitationCreateSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    role = serializers.ChoiceField(choices=ASSIGNABLE_ROLE_CHOICES)


class InvitationFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=InvitationStatus.choices, required=False)
