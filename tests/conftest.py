"""Fixtures every test tree shares; each app's factories live beside its tests.

A real S3 endpoint: `make test` starts one and exports AWS_S3_ENDPOINT_URL
before pytest runs; a bare `pytest` gets moto's server started here,
in-process, on a free port. Either way the bucket exists before first use.
"""

import os
from collections.abc import Iterator
from dataclasses import dataclass

import boto3
import pytest
from botocore.exceptions import ClientError
from django.conf import settings as django_settings
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


@dataclass(frozen=True)
class S3Endpoint:
    url: str
    bucket: str
    access_key: str
    secret_key: str
    region: str


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[S3Endpoint]:
    if os.environ.get("AWS_S3_ENDPOINT_URL"):
        endpoint = S3Endpoint(
            url=django_settings.AWS_S3_ENDPOINT_URL,
            bucket=django_settings.AWS_STORAGE_BUCKET_NAME,
            access_key=django_settings.AWS_ACCESS_KEY_ID or "",
            secret_key=django_settings.AWS_SECRET_ACCESS_KEY or "",
            region=django_settings.AWS_S3_REGION_NAME,
        )
        _bucket_ensure(endpoint)
        yield endpoint
        return

    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = S3Endpoint(
        url=f"http://{host}:{port}",
        bucket="marketplace-test",
        access_key="testing",
        secret_key="testing",
        region="us-east-1",
    )
    _bucket_ensure(endpoint)
    yield endpoint
    server.stop()


@pytest.fixture
def s3(s3_endpoint: S3Endpoint, settings):
    """Point the storage settings at the test endpoint; return a boto3 client."""
    settings.AWS_S3_ENDPOINT_URL = s3_endpoint.url
    settings.AWS_S3_PUBLIC_ENDPOINT_URL = s3_endpoint.url
    settings.AWS_STORAGE_BUCKET_NAME = s3_endpoint.bucket
    settings.AWS_ACCESS_KEY_ID = s3_endpoint.access_key
    settings.AWS_SECRET_ACCESS_KEY = s3_endpoint.secret_key
    settings.AWS_S3_REGION_NAME = s3_endpoint.region
    return _client(s3_endpoint)


def _client(endpoint: S3Endpoint):
    return boto3.client(
        "s3",
        endpoint_url=endpoint.url,
        aws_access_key_id=endpoint.access_key,
        aws_secret_access_key=endpoint.secret_key,
        region_name=endpoint.region,
    )


def _bucket_ensure(endpoint: S3Endpoint) -> None:
    client = _client(endpoint)
    try:
        client.head_bucket(Bucket=endpoint.bucket)
    except ClientError:
        client.create_bucket(Bucket=endpoint.bucket)
