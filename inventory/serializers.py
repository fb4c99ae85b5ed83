from rest_framework import serializers

from inventory.models import MovementKind, StockMovement
from inventory.services import MANUAL_KINDS

# One movement may not move more than this, so balances stay far from the
# limits of their integer columns.
MAX_MOVEMENT_QTY = 1_000_000


class StockMovementSerializer(serializers.ModelSerializer):
    variant_id = serializers.UUIDField()
    audit_user_id = serializers.UUIDField(allow_null=True)

    class Meta:
        model = StockMovement
        fields = [
            "id",
            "variant_id",
            "kind",
            "qty",
            "reason",
            "ref_type",
            "ref_id",
            "audit_user_id",
            "created_at",
        ]
        read_only_fields = fields


class StockMovementCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=MovementKind.choices)
    qty = serializers.IntegerField(
        min_value=-MAX_MOVEMENT_QTY, max_value=MAX_MOVEMENT_QTY
    )
    reason = serializers.CharField(min_length=1, max_length=200)
    ref_type = serializers.CharField(max_length=30, required=False, allow_blank=True)
    ref_id = serializers.CharField(max_length=64, required=False, allow_blank=True)

    def validate_kind(self, value: str) -> str:
        if value not in MANUAL_KINDS:
            raise serializers.ValidationError(
                "RESERVATION and RELEASE are written by orders only; "
                "use IN, OUT or ADJUST."
            )
        return value

    def validate(self, attrs: dict) -> dict:
        # S-02: ADJUST is a signed non-zero correction, every other kind positive.
        if attrs["kind"] == MovementKind.ADJUST:
            if attrs["qty"] == 0:
                raise serializers.ValidationError({"qty": ["ADJUST must not be 0."]})
        elif attrs["qty"] <= 0:
            raise serializers.ValidationError({"qty": ["Must be greater than 0."]})
        return attrs


class BalanceSerializer(serializers.Serializer):
    variant_id = serializers.UUIDField()
    available = serializers.IntegerField()
    reserved = serializers.IntegerField()
    on_hand = serializers.IntegerField()
