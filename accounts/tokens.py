"""JWT pairs, rotation and revocation (U-04..U-06, U-08, logout).

Three mechanisms, each for what it does best:
- refresh tokens live in simplejwt's outstanding/blacklist tables, so a
  rotated or logged-out refresh token stays dead even if Redis is flushed;
- a logged-out access token's `jti` is kept in Redis until it would have
  expired anyway, and every authenticated request checks it;
- every token carries the user's `token_version` (claim `ver`); raising it
  kills all of the user's tokens in one write.
"""

import logging
import time
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django_redis import get_redis_connection
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.token_blacklist.models import (
    BlacklistedToken,
    OutstandingToken,
)
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from accounts.exceptions import TokenInvalid
from accounts.models import User

logger = logging.getLogger(__name__)

VERSION_CLAIM = "ver"


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str


def token_pair_issue(*, user: User) -> TokenPair:
    """Issue a fresh access/refresh pair bound to the user's token version."""
    refresh = RefreshToken.for_user(user)
    refresh[VERSION_CLAIM] = user.token_version
    return TokenPair(access_token=str(refresh.access_token), refresh_token=str(refresh))


@transaction.atomic
def token_pair_rotate(*, refresh_token: str) -> TokenPair:
    """U-06: trade a refresh token for a new pair and revoke the old one.

    The outstanding row is locked, so two concurrent refreshes with one token
    cannot both succeed.
    """
    refresh = _valid_refresh(refresh_token)
    outstanding = (
        OutstandingToken.objects.select_for_update(of=("self",))
        .filter(jti=refresh["jti"])
        .first()
    )
    if (
        outstanding is None
        or BlacklistedToken.objects.filter(token=outstanding).exists()
    ):
        raise TokenInvalid()

    user = token_user(token=refresh)
    BlacklistedToken.objects.create(token=outstanding)
    return token_pair_issue(user=user)


def access_token_revoke(*, token: AccessToken) -> None:
    """Revoke one access token until its own expiry (logout)."""
    remaining = int(token["exp"] - time.time())
    if remaining > 0:
        redis = get_redis_connection("default")
        redis.set(_revoked_key(token["jti"]), 1, ex=remaining)


def access_token_is_revoked(*, jti: str) -> bool:
    return bool(get_redis_connection("default").exists(_revoked_key(jti)))


def refresh_token_revoke(*, refresh_token: str, user: User) -> None:
    """Blacklist a refresh token, if it is valid and belongs to the user."""
    try:
        refresh = _valid_refresh(refresh_token)
    except TokenInvalid:
        return
    if str(refresh.get("user_id")) == str(user.pk):
        refresh.blacklist()


def user_tokens_revoke_all(*, user: User) -> None:
    """U-08: every access and refresh token of the user stops working now."""
    User.objects.filter(pk=user.pk).update(token_version=F("token_version") + 1)
    user.refresh_from_db(fields=["token_version"])


def _valid_refresh(refresh_token: str) -> RefreshToken:
    try:
        # simplejwt annotates the encoded token as a Token; it takes the str.
        return RefreshToken(refresh_token)  # type: ignore[arg-type]
    except TokenError as error:
        raise TokenInvalid(str(error)) from None


def token_user(*, token: RefreshToken | AccessToken) -> User:
    """The live user a token speaks for, or TokenInvalid."""
    user = User.objects.filter(pk=token.get("user_id")).first()
    if user is None or not user.is_active:
        raise TokenInvalid()
    if token.get(VERSION_CLAIM) != user.token_version:
        raise TokenInvalid()
    return user


def _revoked_key(jti: str) -> str:
    return f"auth:revoked-jti:{jti}"
