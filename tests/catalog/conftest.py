"""Fixtures of the catalog tests; S3 ones are in the root conftest."""

import pytest


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run a change as if its transaction committed, so on-commit hooks fire."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
