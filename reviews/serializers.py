from rest_framework import serializers

from reviews.models import Review

SCORE_MIN, SCORE_MAX = 1, 5


class ReviewSerializer(serializers.ModelSerializer):
    """The Review of SPEC 3."""

    user_id = serializers.UUIDField(read_only=True)
    user_name = serializers.CharField(source="user.name", read_only=True)
    variant_id = serializers.UUIDField(read_only=True)
    product_id = serializers.UUIDField(read_only=True)

    class Meta:
        model = Review
        fields = [
            "id",
            "user_id",
            "user_name",
            "variant_id",
            "product_id",
            "score",
            "comment",
            "created_at",
        ]
        read_only_fields = fields


class ReviewCreateSerializer(serializers.Serializer):
    #
    score = serializers.IntegerField(min_value=SCORE_MIN, max_value=SCORE_MAX)
    comment = serializers.CharField(max_length=2000, allow_blank=True, default="")
