"""Back-office for organizations, memberships and invitations.

Staff see everything. Changes go through the same services as the API, so
no admin form can create a second OWNER, exceed a cap or revive a terminal
invitation: ownership changes only through transfer, invitations are made
by their service, and deletion is the O-05 soft delete.
"""

from typing import TYPE_CHECKING, TypedDict, cast

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count

from marketplace.errors import DomainError
from orgs.models import (
    ASSIGNABLE_ROLE_CHOICES,
    Invitation,
    InvitationStatus,
    Membership,
    Organization,
    Role,
)
from orgs.services import invitations, members, organizations

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class MemberTotal(TypedDict):
    member_total: int


class MembershipInlineForm(forms.ModelForm):
    """The OWNER's row is frozen; other rows may be ADMIN or MEMBER only."""

    class Meta:
        model = Membership
        fields = ["user", "role"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # UUID keys exist before saving; `adding` tells a new row apart.
        existing = not self.instance._state.adding
        if existing and self.instance.role == Role.OWNER:
            for field in self.fields.values():
                field.disabled = True
            return
        # The model field's choices make it a TypedChoiceField.
        role = cast(forms.TypedChoiceField, self.fields["role"])
        role.choices = ASSIGNABLE_ROLE_CHOICES
        if existing:
            self.fields["user"].disabled = True


class MembershipInlineFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        for form in self.forms:
            removing = getattr(form, "cleaned_data", {}).get("DELETE", False)
            if removing and form.instance.role == Role.OWNER:
                raise ValidationError("The OWNER cannot be removed; transfer first.")


class MembershipInline(admin.TabularInline):
    model = Membership
    form = MembershipInlineForm
    formset = MembershipInlineFormSet
    fields = ["user", "role", "joined_at"]
    readonly_fields = ["joined_at"]
    autocomplete_fields = ["user"]
    extra = 0


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "owner", "is_active", "member_count", "created_at"]
    list_filter = ["is_active", "currency", "created_at"]
    search_fields = ["name", "slug", "owner__email"]
    readonly_fields = [
        "owner",
        "is_active",
        "currency",
        "deleted_at",
        "cleaned_up_at",
        "created_at",
        "updated_at",
    ]
    fields = ["name", "slug", *readonly_fields]
    inlines = [MembershipInline]
    actions = ["delete_softly"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_total=Count("memberships"))

    @admin.display(description="members", ordering="member_total")
    def member_count(
        self, organization: "WithAnnotations[Organization, MemberTotal]"
    ) -> int:
        return organization.member_total

    def has_add_permission(self, request) -> bool:
        # O-01: an organization is born with its OWNER, through the API.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        # O-05: deletion is soft and followed by the cleanup; see the action.
        return False

    def save_model(self, request, obj, form, change) -> None:
        """Rename through the service, which locks the row and checks the slug."""
        if not form.has_changed():
            return
        try:
            organizations.organization_update(
                organization_id=obj.pk, actor=None, name=obj.name, slug=obj.slug
            )
        except DomainError as exc:
            self.message_user(request, f"Not saved: {exc}", messages.ERROR)

    def save_formset(self, request, form, formset, change) -> None:
        """Write member changes through the services, under their locks."""
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        organization = form.instance
        try:
            self._memberships_apply(organization, formset)
        except DomainError as exc:
            self.message_user(request, f"Members not changed: {exc}", messages.ERROR)

    def _memberships_apply(self, organization: Organization, formset) -> None:
        # The admin's change message reads what formset.save() would record.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = (
            [],
            [],
            [],
        )
        for removed in formset.deleted_forms:
            members.membership_remove(
                organization_id=organization.pk,
                user_id=removed.instance.user_id,
                actor=None,
            )
            formset.deleted_objects.append(removed.instance)
        for member_form in formset.forms:
            if member_form in formset.deleted_forms or not member_form.has_changed():
                continue
            data = member_form.cleaned_data
            if member_form in formset.extra_forms:
                formset.new_objects.append(
                    members.membership_add(
                        organization_id=organization.pk,
                        user_id=data["user"].pk,
                        role=data["role"],
                    )
                )
            elif "role" in member_form.changed_data:
                membership = members.membership_role_change(
                    organization_id=organization.pk,
                    user_id=member_form.instance.user_id,
                    role=data["role"],
                    actor=None,
                )
                formset.changed_objects.append((membership, ["role"]))

    @admin.action(description="Delete (soft) and clean up (O-05)")
    def delete_softly(self, request, queryset) -> None:
        for organization in queryset.filter(deleted_at__isnull=True):
            organizations.organization_delete(
                organization_id=organization.pk, user=None
            )


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """Read-only: members are managed on their organization's page."""

    list_display = ["user", "organization", "role", "joined_at"]
    list_filter = ["role", "joined_at"]
    search_fields = ["user__email", "user__name", "organization__name"]
    list_select_related = ["user", "organization"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Read-only but for revoking: invitations are created by their service."""

    list_display = [
        "email",
        "organization",
        "role",
        "status",
        "expires_at",
        "created_at",
    ]
    list_filter = ["status", "role", "created_at", "expires_at"]
    search_fields = ["email", "organization__name", "organization__slug"]
    list_select_related = ["organization"]
    readonly_fields = [
        "organization",
        "email",
        "role",
        "status",
        "token_hash",
        "invited_by",
        "expires_at",
        "created_at",
        "responded_at",
    ]
    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description="Revoke selected pending invitations (I-07)")
    def revoke(self, request, queryset) -> None:
        pending = queryset.filter(status=InvitationStatus.PENDING)
        for invitation in pending:
            invitations.invitation_revoke(
                organization_id=invitation.organization_id,
                invitation_id=invitation.pk,
                actor=request.user,
            )
