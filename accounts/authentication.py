"""Bearer-token authentication that honours every kind of revocation."""

from django.http import HttpRequest
from rest_framework.exceptions import NotAuthenticated
from rest_framework.request import Request
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken

from accounts import tokens
from accounts.exceptions import TokenInvalid
from accounts.models import User


def request_user(request: HttpRequest) -> User:
    """Return the caller of a view that only authenticated users reach.

    The view's permission classes have already refused anonymous callers;
    this states it where the user is used, and refuses rather than act for
    nobody should a view ever lose its permission class.
    """
    user = request.user
    if not user.is_authenticated:
        raise NotAuthenticated()
    return user


class RevocableJWTAuthentication(JWTAuthentication):
    """Accept an access token unless it was logged out or its user's were revoked."""

    def get_validated_token(self, raw_token: bytes):
        token = super().get_validated_token(raw_token)
        if tokens.access_token_is_revoked(jti=token["jti"]):
            raise InvalidToken({"detail": "Token has been revoked."})
        return token

    # simplejwt returns an unbound TypeVar here, which no concrete type matches.
    def get_user(self, validated_token) -> User:  # type: ignore[override]
        try:
            return tokens.token_user(token=validated_token)
        except TokenInvalid:
            raise InvalidToken({"detail": "Token has been revoked."}) from None


class QueryTokenJWTAuthentication(RevocableJWTAuthentication):
    """Also read the token from `?access_token=`, for browsers' EventSource.

    Used only by the order event stream. The request log never records query
    strings, so the token does not reach a log.
    """

    def authenticate(self, request: Request):
        raw = request.query_params.get("access_token")
        if raw is None:
            return super().authenticate(request)
        validated = self.get_validated_token(raw.encode())
        return self.get_user(validated), validated
