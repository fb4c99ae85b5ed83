"""Input validation shared by every view."""

from typing import Any

from rest_framework.serializers import Serializer


def validated(serializer_class: type[Serializer], data: Any) -> dict:
    """Validate `data` with the serializer, raising a 400 envelope on errors."""
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
