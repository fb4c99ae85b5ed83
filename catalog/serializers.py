"""Shapes of products, variants, prices, images and catalog entries."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalog import images
from catalog.models import PriceHistory, Product, Variant
from catalog.selectors import CatalogProduct, PricedVariant

CURRENCY_PATTERN = r"^[A-Z]{3}$"
MAX_ATTRIBUTES = 30
MAX_PRICE_CENTS = 10**12
MAX_INITIAL_STOCK = 1_000_000
# Price fields sent to PATCH /variants/{id} are refused, not ignored.
PRICE_FIELDS = ("price_cents", "amount_cents", "currency", "valid_from", "price")


# --- Output ----------------------------------------------------------------


class ImageSerializer(serializers.Serializer):
    key = serializers.CharField()
    url = serializers.URLField()


def image_list(keys: list[str]) -> list[dict[str, str]]:
    return [{"key": key, "url": images.download_url(key=key)} for key in keys]


class PublicVariantSerializer(serializers.ModelSerializer):
    """A variant as the public catalog shows it: stock as `available` only."""

    product_id = serializers.UUIDField(read_only=True)
    price_cents = serializers.IntegerField(allow_null=True, read_only=True)
    currency = serializers.CharField(allow_null=True, read_only=True)
    available = serializers.IntegerField(read_only=True)

    class Meta:
        model = Variant
        fields = [
            "id",
            "product_id",
            "sku",
            "attributes",
            "price_cents",
            "currency",
            "available",
            "created_at",
        ]
        read_only_fields = fields


class VariantSerializer(PublicVariantSerializer):
    """A variant as its sellers see it, with `reserved` and `on_hand`."""

    reserved = serializers.IntegerField(read_only=True)
    on_hand = serializers.SerializerMethodField()

    class Meta(PublicVariantSerializer.Meta):
        fields = [*PublicVariantSerializer.Meta.fields, "reserved", "on_hand"]
        read_only_fields = fields

    def get_on_hand(self, variant: PricedVariant) -> int:
        return variant.available + variant.reserved


class ProductSerializer(serializers.ModelSerializer):
    organization_id = serializers.UUIDField(read_only=True)
    images = serializers.SerializerMethodField()
    variants = VariantSerializer(many=True, read_only=True)

    class Meta:
        model = Product
        fields = [
            "id",
            "organization_id",
            "title",
            "description",
            "is_active",
            "image_keys",
            "images",
            "variants",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(ImageSerializer(many=True))
    def get_images(self, product: Product) -> list[dict[str, str]]:
        return image_list(product.image_keys)


class PriceSerializer(serializers.ModelSerializer):
    variant_id = serializers.UUIDField(read_only=True)

    class Meta:
        model = PriceHistory
        fields = [
            "id",
            "variant_id",
            "amount_cents",
            "currency",
            "valid_from",
            "created_at",
        ]
        read_only_fields = fields


class OrganizationBriefSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    slug = serializers.SlugField()


class CatalogEntrySerializer(serializers.ModelSerializer):
    organization = OrganizationBriefSerializer(read_only=True)
    price_from_cents = serializers.IntegerField(read_only=True)
    currency = serializers.CharField(read_only=True)
    image_url = serializers.SerializerMethodField()
    rating_avg = serializers.SerializerMethodField()
    review_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Product
        fields = [
            "id",
            "title",
            "organization",
            "price_from_cents",
            "currency",
            "image_url",
            "rating_avg",
            "review_count",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_image_url(self, product: Product) -> str | None:
        if not product.image_keys:
            return None
        return images.download_url(key=product.image_keys[0])

    @extend_schema_field(OpenApiTypes.FLOAT)
    def get_rating_avg(self, product: CatalogProduct) -> float | None:
        if product.rating_avg is None:
            return None
        return round(float(product.rating_avg), 2)


class CatalogDetailSerializer(CatalogEntrySerializer):
    images = serializers.SerializerMethodField()
    variants = PublicVariantSerializer(many=True, read_only=True)

    class Meta(CatalogEntrySerializer.Meta):
        fields = [
            *CatalogEntrySerializer.Meta.fields,
            "description",
            "images",
            "variants",
        ]
        read_only_fields = fields

    @extend_schema_field(ImageSerializer(many=True))
    def get_images(self, product: Product) -> list[dict[str, str]]:
        return image_list(product.image_keys)


class UploadTicketSerializer(serializers.Serializer):
    key = serializers.CharField()
    url = serializers.URLField()
    method = serializers.ChoiceField(choices=["PUT"])
    headers = serializers.DictField(child=serializers.CharField())
    expires_in = serializers.IntegerField()


# --- Input -----------------------------------------------------------------


class AttributesField(serializers.JSONField):
    """P-04: a flat object of string names to string values."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if not isinstance(value, dict):
            raise serializers.ValidationError("Must be an object of strings.")
        if len(value) > MAX_ATTRIBUTES:
            raise serializers.ValidationError(f"At most {MAX_ATTRIBUTES} attributes.")
        for name, text in value.items():
            if not name.strip() or len(name) > 50:
                raise serializers.ValidationError("Names are 1-50 characters.")
            if not isinstance(text, str) or len(text) > 200:
                raise serializers.ValidationError(
                    f"{name!r} must be a string of at most 200 characters."
                )
            # PostgreSQL's jsonb cannot hold U+0000; refuse it as CharField does.
            if "\x00" in name or "\x00" in text:
                raise serializers.ValidationError("Null characters are not allowed.")
        return value


class VariantInputSerializer(serializers.Serializer):
    sku = serializers.CharField(max_length=64)
    attributes = AttributesField(required=False, default=dict)
    price_cents = serializers.IntegerField(min_value=1, max_value=MAX_PRICE_CENTS)
    currency = serializers.RegexField(CURRENCY_PATTERN, required=False)
    initial_stock = serializers.IntegerField(
        min_value=0, max_value=MAX_INITIAL_STOCK, required=False, default=0
    )


class ProductCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(
        max_length=5000, required=False, allow_blank=True, default=""
    )
    is_active = serializers.BooleanField(required=False, default=True)
    variants = VariantInputSerializer(many=True, allow_empty=False)

    def validate_variants(self, value: list[dict]) -> list[dict]:
        if len(value) > 100:
            raise serializers.ValidationError("At most 100 variants per request.")
        return value


class ProductUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(
        max_length=5000, required=False, allow_blank=True
    )
    is_active = serializers.BooleanField(required=False)


class VariantUpdateSerializer(serializers.Serializer):
    attributes = AttributesField()

    def validate(self, attrs: dict) -> dict:
        # Prices are versioned (P-05) and SKUs are what orders and carts
        # point at: neither changes here; say so rather than ignore it.
        refused = {
            name: ["Prices change through POST /variants/{id}/prices."]
            for name in PRICE_FIELDS
            if name in self.initial_data
        }
        if "sku" in self.initial_data:
            refused["sku"] = ["A SKU cannot change; create a new variant."]
        if refused:
            raise serializers.ValidationError(refused)
        return attrs


class PriceCreateSerializer(serializers.Serializer):
    amount_cents = serializers.IntegerField(min_value=1, max_value=MAX_PRICE_CENTS)
    currency = serializers.RegexField(CURRENCY_PATTERN, required=False)
    valid_from = serializers.DateTimeField(required=False)


class PresignSerializer(serializers.Serializer):
    content_type = serializers.ChoiceField(choices=sorted(images.CONTENT_TYPES))


class ImageKeysSerializer(serializers.Serializer):
    image_keys = serializers.ListField(
        child=serializers.CharField(max_length=300), allow_empty=True
    )


class CatalogFilterSerializer(serializers.Serializer):
    q = serializers.CharField(max_length=200, required=False, allow_blank=True)
    organization = serializers.SlugField(max_length=60, required=False)
    min_price_cents = serializers.IntegerField(min_value=0, required=False)
    max_price_cents = serializers.IntegerField(min_value=0, required=False)

    def validate(self, attrs: dict) -> dict:
        low, high = attrs.get("min_price_cents"), attrs.get("max_price_cents")
        if low is not None and high is not None and low > high:
            raise serializers.ValidationError(
                {"min_price_cents": ["Must not exceed max_price_cents."]}
            )
        return attrs
