"""Fixtures every test tree shares; each app's factories live beside its tests."""
import pytest
from django_redis import get_redis_connection
from rest_framework.test import APIClient

from accounts import tokens
from accounts.models import User
from tests.accounts.factories import UserFactory


@pytest.fixture(autouse=True)
def _empty_redis():
    """Start each test with no throttle counters, stored responses or revocations.

    The suite owns the Redis database REDIS_URL names, as it owns its test
    PostgreSQL database: point it at a dedicated one.
    """
    get_redis_connection("default").flushdb()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def user(db) -> User:
    return UserFactory()


def client_for(user: User) -> APIClient:
    """An API client that sends a fresh access token for the user."""
    client = APIClient()
    pair = tokens.token_pair_issue(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {pair.access_token}")
    return client


@pytest.fixture
def user_client(user) -> APIClient:
    return client_for(user)
