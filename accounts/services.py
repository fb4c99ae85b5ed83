"""Writes on accounts: signup, login, profile changes, deactivation, logout."""

import logging

from django.contrib.auth import authenticate
from django.db import IntegrityError, transaction

from accounts import tokens
from accounts.exceptions import EmailTaken, InvalidCredentials, OwnerMustTransfer
from accounts.models import User, normalize_email
from orgs.selectors import organizations_owned_active_exist

logger = logging.getLogger(__name__)


def user_signup(
    *, email: str, password: str, name: str = ""
) -> tuple[User, tokens.TokenPair]:
    """U-01..U-04: create the account and log it in."""
    try:
        with transaction.atomic():
            user = User.objects.create_user(email=email, password=password, name=name)
    except IntegrityError:
        raise EmailTaken(email=normalize_email(email)) from None

    logger.info("User signed up", extra={"user_id": str(user.pk)})
    return user, tokens.token_pair_issue(user=user)


def user_login(*, email: str, password: str) -> tokens.TokenPair:
    """U-05: exchange e-mail and password for a token pair."""
    user = authenticate(email=normalize_email(email), password=password)
    if user is None:
        raise InvalidCredentials()
    return tokens.token_pair_issue(user=user)


def user_update(
    *, user: User, name: str | None = None, photo_url: str | None = None
) -> User:
    """U-07: change the profile; the e-mail never changes."""
    if name is not None:
        user.name = name
    if photo_url is not None:
        user.photo_url = photo_url
    user.save(update_fields=["name", "photo_url"])
    return user


@transaction.atomic
def user_deactivate(*, user: User) -> None:
    """U-08: deactivate the account and revoke every token it holds."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    if organizations_owned_active_exist(user=locked):
        raise OwnerMustTransfer()

    locked.is_active = False
    locked.save(update_fields=["is_active"])
    tokens.user_tokens_revoke_all(user=locked)
    logger.info("User deactivated", extra={"user_id": str(user.pk)})


def user_logout(*, user: User, access_token, refresh_token: str | None) -> None:
    """Revoke the presented access token and, if sent, the refresh token."""
    tokens.access_token_revoke(token=access_token)
    if refresh_token:
        tokens.refresh_token_revoke(refresh_token=refresh_token, user=user)
