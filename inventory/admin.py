from django.contrib import admin
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.html import format_html

from inventory.models import StockBalance, StockMovement
from marketplace.admin import ReadOnlyAdmin


@admin.register(StockMovement)
class StockMovementAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "variant",
        "kind",
        "qty",
        "reason",
        "ref_type",
        "ref_id",
        "audit_user",
    ]
    list_filter = ["kind", "ref_type", "created_at"]
    search_fields = ["variant__sku", "=ref_id", "reason"]
    list_select_related = ["variant", "audit_user"]
    # Counting millions of ledger rows on every page view is not worth it.
    show_full_result_count = False
    ordering = ["-id"]


class AvailabilityFilter(admin.SimpleListFilter):
    title = "availability"
    parameter_name = "availability"

    def lookups(self, request, model_admin) -> list[tuple[str, str]]:
        return [("out", "Out of stock"), ("in", "In stock"), ("held", "With holds")]

    def queryset(self, request, queryset: QuerySet) -> QuerySet:
        if self.value() == "out":
            return queryset.filter(available=0)
        if self.value() == "in":
            return queryset.filter(available__gt=0)
        if self.value() == "held":
            return queryset.filter(reserved__gt=0)
        return queryset


@admin.register(StockBalance)
class StockBalanceAdmin(ReadOnlyAdmin):
    list_display = [
        "variant",
        "available",
        "reserved",
        "on_hand",
        "updated_at",
        "ledger",
    ]
    list_filter = [AvailabilityFilter, "variant__organization"]
    search_fields = ["variant__sku", "variant__product__title"]
    list_select_related = ["variant"]
    ordering = ["variant__sku"]

    @admin.display(description="ledger")
    def ledger(self, balance: StockBalance) -> str:
        url = reverse("admin:inventory_stockmovement_changelist")
        return format_html(
            '<a href="{}?variant__id__exact={}">movements</a>', url, balance.variant_id
        )
