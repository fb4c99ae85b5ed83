from django.contrib.auth.password_validation import validate_password
from rest_framework import serializers

from accounts.models import User


class UserSerializer(serializers.ModelSerializer):
    # Empty when no photo is set; the schema must allow "" besides a URL.
    photo_url = serializers.URLField(read_only=True, allow_blank=True)

    class Meta:
        model = User
        fields = ["id", "email", "name", "photo_url", "is_active", "created_at"]
        read_only_fields = fields


class SignupSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    # U-03; min_length puts the rule in the schema too.
    password = serializers.CharField(min_length=12, max_length=1024, write_only=True)
    name = serializers.CharField(max_length=150, required=False, allow_blank=True)

    def validate_password(self, value: str) -> str:
        validate_password(value)
        return value


class SignupResponseSerializer(serializers.Serializer):
    user_id = serializers.UUIDField()
    access_token = serializers.CharField()
    refresh_token = serializers.CharField()


class LoginSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=1024, write_only=True)


class TokenPairSerializer(serializers.Serializer):
    access_token = serializers.CharField()
    refresh_token = serializers.CharField()


class RefreshSerializer(serializers.Serializer):
    refresh_token = serializers.CharField(max_length=4096)


class LogoutSerializer(serializers.Serializer):
    refresh_token = serializers.CharField(max_length=4096, required=False)


class UserUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    photo_url = serializers.URLField(max_length=500, required=False, allow_blank=True)

    def validate(self, attrs: dict) -> dict:
        # U-07: the e-mail is immutable; say so rather than ignore it.
        if "email" in self.initial_data:
            raise serializers.ValidationError({"email": ["E-mail cannot be changed."]})
        return attrs
