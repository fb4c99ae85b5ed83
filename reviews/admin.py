from django.contrib import admin

from reviews.models import Review


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    """Staff read every review and moderate by deleting; nobody edits one."""

    list_display = ["created_at", "score", "user", "variant", "product", "comment"]
    list_filter = ["score", "created_at"]
    search_fields = [
        "=id",
        "comment",
        "user__email",
        "variant__sku",
        "product__title",
    ]
    list_select_related = ["user", "variant", "product"]
    readonly_fields = ["user", "variant", "product", "score", "comment", "created_at"]
    ordering = ["-id"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
