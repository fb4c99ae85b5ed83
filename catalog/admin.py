from typing import TYPE_CHECKING, TypedDict

from django.contrib import admin
from django.db import transaction
from django.db.models import Min, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import HttpRequest

from catalog import services
from catalog.cache import catalog_changed
from catalog.models import PriceHistory, Product, Variant
from catalog.selectors import PricedVariant, price_current, variants_priced
from inventory.models import StockBalance

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class ProductListFields(TypedDict):
    """What the product list annotates, once for the whole page."""

    price_from_cents: int | None
    stock_total: int


class DeletedFilter(admin.SimpleListFilter):
    title = "deleted"
    parameter_name = "deleted"

    def lookups(self, request, model_admin):
        return [("no", "Not deleted"), ("yes", "Deleted")]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(deleted_at__isnull=True)
        if self.value() == "yes":
            return queryset.filter(deleted_at__isnull=False)
        return queryset


class VariantInline(admin.TabularInline):
    model = Variant
    fields = ["sku", "attributes", "current_price", "available", "created_at"]
    readonly_fields = ["current_price", "available", "created_at"]
    extra = 0
    show_change_link = True
    can_delete = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Variant]:
        return variants_priced()

    @admin.display(description="current price (cents)")
    def current_price(self, variant: Variant):
        return getattr(variant, "price_cents", None)

    @admin.display(description="available")
    def available(self, variant: Variant):
        return getattr(variant, "available", None)


class PriceHistoryInline(admin.TabularInline):
    """P-05: the history is shown, never edited."""

    model = PriceHistory
    readonly_fields = ("amount_cents", "currency", "valid_from", "created_at")
    fields = readonly_fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "organization",
        "is_active",
        "price_from",
        "stock_available",
        "deleted_at",
        "created_at",
    ]
    list_filter = ["organization", "is_active", DeletedFilter]
    search_fields = ["title", "variants__sku"]
    list_select_related = ["organization"]
    readonly_fields = ["id", "organization", "image_keys", "deleted_at", "created_at"]
    fields = [
        "id",
        "organization",
        "title",
        "description",
        "is_active",
        "image_keys",
        "deleted_at",
        "created_at",
    ]
    inlines = [VariantInline]
    actions = ["soft_delete"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Product]:
        # Annotated once for the whole page rather than queried per row.
        cheapest = Variant.objects.filter(product=OuterRef("pk")).annotate(
            price=price_current("amount_cents")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(
                price_from_cents=Subquery(
                    cheapest.values("product").annotate(low=Min("price")).values("low")
                ),
                stock_total=Coalesce(
                    Subquery(
                        StockBalance.objects.filter(variant__product=OuterRef("pk"))
                        .values("variant__product")
                        .annotate(total=Sum("available"))
                        .values("total")
                    ),
                    0,
                ),
            )
        )

    @admin.display(description="price from (cents)", ordering="price_from_cents")
    def price_from(
        self, product: "WithAnnotations[Product, ProductListFields]"
    ) -> int | None:
        return product.price_from_cents

    @admin.display(description="available stock", ordering="stock_total")
    def stock_available(
        self, product: "WithAnnotations[Product, ProductListFields]"
    ) -> int:
        return product.stock_total

    def has_add_permission(self, request) -> bool:
        # Products are created with variants, prices and stock through the API.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        # Deleting is soft (the ledger and orders keep pointing at variants).
        return False

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        transaction.on_commit(catalog_changed)

    @admin.action(description="Delete (soft) selected products")
    def soft_delete(self, request, queryset) -> None:
        for product in queryset.filter(deleted_at__isnull=True):
            services.product_delete(product=product)


@admin.register(Variant)
class VariantAdmin(admin.ModelAdmin):
    list_display = ["sku", "product", "organization", "current_price", "available"]
    list_filter = ["organization"]
    search_fields = ["sku", "product__title"]
    list_select_related = ["product", "organization"]
    readonly_fields = ["id", "product", "organization", "sku", "created_at"]
    fields = ["id", "product", "organization", "sku", "attributes", "created_at"]
    inlines = [PriceHistoryInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Variant]:
        return variants_priced()

    @admin.display(description="current price (cents)")
    def current_price(self, variant: PricedVariant) -> int | None:
        return variant.price_cents

    @admin.display(description="available")
    def available(self, variant: PricedVariant) -> int:
        return variant.available

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        transaction.on_commit(catalog_changed)


@admin.register(PriceHistory)
class PriceHistoryAdmin(admin.ModelAdmin):
    """P-05: read-only; prices change by appending through the API."""

    list_display = ["variant", "amount_cents", "currency", "valid_from", "created_at"]
    list_filter = ["currency", "variant__organization"]
    search_fields = ["variant__sku", "variant__product__title"]
    list_select_related = ["variant"]
    date_hierarchy = "valid_from"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
