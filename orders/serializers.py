from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from orders.models import Cart, CartItem, Order, OrderItem
from orders.selectors import cart_expires_at

# Far above any real basket, far below the integer columns' limits.
MAX_ITEM_QTY = 10_000


class CartItemSerializer(serializers.ModelSerializer):
    variant_id = serializers.UUIDField()
    sku = serializers.CharField(source="variant.sku")
    product_title = serializers.CharField(source="variant.product.title")
    line_total_cents = serializers.SerializerMethodField()

    class Meta:
        model = CartItem
        fields = [
            "id",
            "variant_id",
            "sku",
            "product_title",
            "qty",
            "price_snapshot_cents",
            "line_total_cents",
        ]
        read_only_fields = fields

    def get_line_total_cents(self, item: CartItem) -> int:
        return item.qty * item.price_snapshot_cents


class CartSerializer(serializers.ModelSerializer):
    organization_id = serializers.UUIDField()
    items = CartItemSerializer(many=True)
    total_cents = serializers.SerializerMethodField()
    expires_at = serializers.SerializerMethodField()

    class Meta:
        model = Cart
        fields = [
            "id",
            "organization_id",
            "status",
            "items",
            "total_cents",
            "currency",
            "expires_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_total_cents(self, cart: Cart) -> int:
        return sum(item.qty * item.price_snapshot_cents for item in cart.items.all())

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_expires_at(self, cart: Cart) -> str:
        # A DateTimeField renders it as the API renders every timestamp.
        return serializers.DateTimeField().to_representation(cart_expires_at(cart))


class CartItemAddSerializer(serializers.Serializer):
    variant_id = serializers.UUIDField()
    qty = serializers.IntegerField(min_value=1, max_value=MAX_ITEM_QTY)


class CartItemUpdateSerializer(serializers.Serializer):
    qty = serializers.IntegerField(min_value=1, max_value=MAX_ITEM_QTY)


class OrderItemSerializer(serializers.ModelSerializer):
    variant_id = serializers.UUIDField()

    class Meta:
        model = OrderItem
        fields = ["variant_id", "sku", "qty", "unit_price_cents"]
        read_only_fields = fields


class OrderSerializer(serializers.ModelSerializer):
    buyer_id = serializers.UUIDField()
    organization_id = serializers.UUIDField()
    items = OrderItemSerializer(many=True)

    class Meta:
        model = Order
        fields = [
            "id",
            "buyer_id",
            "organization_id",
            "status",
            "total_cents",
            "currency",
            "shipping_address",
            "tracking_code",
            "items",
            "idempotency_key",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class CheckoutSerializer(serializers.Serializer):
    cart_id = serializers.UUIDField()
    # Kept exactly as sent (SPEC 3), but it must say something.
    shipping_address = serializers.CharField(
        min_length=1, max_length=500, trim_whitespace=False
    )

    def validate_shipping_address(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("This field may not be blank.")
        return value
