"""docker-compose.yml and the Dockerfile, checked without a Docker engine."""

import copy
import json
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
APP_SERVICES = ("web", "worker", "beat")
APP_VARIABLES = (
    "DJANGO_SETTINGS_MODULE",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "REDIS_URL",
    "AWS_S3_ENDPOINT_URL",
    "AWS_S3_PUBLIC_ENDPOINT_URL",
    "AWS_STORAGE_BUCKET_NAME",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "EMAIL_HOST",
    "EMAIL_PORT",
)


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    # check-jsonschema vendors the Compose specification's own schema.
    vendored = files("check_jsonschema.builtin_schemas.vendor") / "compose-spec.json"
    schema = json.loads(vendored.read_text())
    return jsonschema.validators.validator_for(schema)(schema)


def environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment", {})
    if isinstance(env, list):
        return dict(item.split("=", 1) for item in env)
    return env


def depends_on(service: dict[str, Any]) -> dict[str, dict[str, str]]:
    deps = service.get("depends_on", {})
    if isinstance(deps, list):
        return {name: {"condition": "service_started"} for name in deps}
    return deps


def test_compose_file_follows_the_compose_specification(
    compose: dict[str, Any], validator: jsonschema.protocols.Validator
) -> None:
    errors = [
        f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(compose)
    ]

    assert errors == []


def test_the_schema_check_rejects_a_misspelt_key(
    compose: dict[str, Any], validator: jsonschema.protocols.Validator
) -> None:
    broken = copy.deepcopy(compose)
    broken["services"]["web"]["depend_on"] = broken["services"]["web"].pop("depends_on")

    assert not validator.is_valid(broken)


def test_compose_runs_the_system_and_its_services(compose: dict[str, Any]) -> None:
    expected = {*APP_SERVICES, "postgres", "redis", "minio", "mailpit", "createbucket"}

    assert expected <= set(compose["services"])


def test_every_service_has_an_image_or_a_build(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        assert "image" in service or "build" in service, name


def test_dependencies_exist_and_wait_for_health(compose: dict[str, Any]) -> None:
    services = compose["services"]

    for name, service in services.items():
        for target, spec in depends_on(service).items():
            assert target in services, f"{name} depends on unknown {target}"
            if spec.get("condition") == "service_healthy":
                assert "healthcheck" in services[target], f"{target} has no healthcheck"


def test_app_services_get_every_variable_the_app_needs(compose: dict[str, Any]) -> None:
    for name in APP_SERVICES:
        env = environment(compose["services"][name])

        missing = [var for var in APP_VARIABLES if not env.get(var)]

        assert missing == [], name
        assert env["DJANGO_SETTINGS_MODULE"] == "marketplace.settings.production"
        assert env["AWS_S3_ENDPOINT_URL"] == "http://minio:9000"
        assert env["AWS_S3_PUBLIC_ENDPOINT_URL"] == "http://localhost:9000"
        assert env["EMAIL_HOST"] == "mailpit"


def test_app_credentials_match_the_services(compose: dict[str, Any]) -> None:
    services = compose["services"]
    app = environment(services["web"])
    postgres = environment(services["postgres"])
    minio = environment(services["minio"])
    pg = (
        postgres["POSTGRES_USER"],
        postgres["POSTGRES_PASSWORD"],
        postgres["POSTGRES_DB"],
    )

    assert app["DATABASE_URL"] == "postgresql://{}:{}@postgres:5432/{}".format(*pg)
    assert app["AWS_ACCESS_KEY_ID"] == minio["MINIO_ROOT_USER"]
    assert app["AWS_SECRET_ACCESS_KEY"] == minio["MINIO_ROOT_PASSWORD"]
    assert app["AWS_STORAGE_BUCKET_NAME"] in " ".join(
        services["createbucket"]["command"]
    )


def test_web_migrates_before_serving_without_access_log(
    compose: dict[str, Any],
) -> None:
    command = " ".join(compose["services"]["web"]["command"])

    assert command.index("migrate --noinput") < command.index("uvicorn")
    assert "--no-access-log" in command
    assert "8000:8000" in compose["services"]["web"]["ports"]


def test_worker_and_beat_run_celery(compose: dict[str, Any]) -> None:
    for name in ("worker", "beat"):
        command = compose["services"][name]["command"]

        assert command[:4] == ["celery", "-A", "marketplace", name]


def test_ports_for_the_browser_are_published(compose: dict[str, Any]) -> None:
    services = compose["services"]

    assert "9000:9000" in services["minio"]["ports"]
    assert "8025:8025" in services["mailpit"]["ports"]


def test_dockerfile_runs_production_settings_as_a_non_root_user() -> None:
    lines = (ROOT / "Dockerfile").read_text().splitlines()
    bases = [line for line in lines if line.startswith("FROM ")]
    users = [line.split()[1] for line in lines if line.startswith("USER ")]

    assert bases == ["FROM python:3.11-slim"]
    assert users and users[-1] not in ("root", "0")
    assert any(
        "DJANGO_SETTINGS_MODULE=marketplace.settings.production" in x for x in lines
    )
    assert any("pip install -r requirements.txt" in line for line in lines)
