"""Production settings refuse development defaults and pass check --deploy."""

import os
import subprocess
import sys

import pytest

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "marketplace.settings.production",
    "SECRET_KEY": "p" * 30 + "-a-long-random-production-secret-key-value",
    "ALLOWED_HOSTS": "shop.example.com",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        env=os.environ | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_in_production():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "override",
    [
        {"SECRET_KEY": ""},
        {"SECRET_KEY": "insecure-development-key-do-not-use-in-production"},
        {"DEBUG": "1"},
    ],
)
def test_production_refuses_to_start_with_development_defaults(override):
    result = manage("check", **(PRODUCTION_ENV | override))

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
