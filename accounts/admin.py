from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from accounts import services
from accounts.exceptions import OwnerMustTransfer
from accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["-created_at"]
    list_display = ["email", "name", "is_active", "is_staff", "created_at"]
    list_filter = ["is_active", "is_staff", "is_superuser"]
    search_fields = ["email", "name"]
    readonly_fields = ["created_at", "last_login", "token_version"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Profile", {"fields": ["name", "photo_url"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        ("History", {"fields": ["created_at", "last_login", "token_version"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]}),
    ]
    actions = ["deactivate_users"]

    @admin.action(description="Deactivate and revoke all tokens (U-08)")
    def deactivate_users(self, request, queryset) -> None:
        for user in queryset:
            try:
                services.user_deactivate(user=user)
            except OwnerMustTransfer:
                self.message_user(
                    request,
                    f"{user.email} owns an active organization; transfer it first.",
                    messages.ERROR,
                )
