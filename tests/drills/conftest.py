"""Fixtures of the fault drills: private services, a migrated database, the app.

One PostgreSQL cluster serves the whole drill session; it is migrated once
into a template database, and each drill gets a fresh copy of it. Every
process started here is stopped by a finalizer, also when a drill fails.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.drills.stack import (
    App,
    PrivatePostgres,
    PrivateRedis,
    Worker,
    app_env,
    manage,
)

TEMPLATE_DATABASE = "drill_template"
_databases = itertools.count(1)


@pytest.fixture(scope="session")
def drill_postgres(tmp_path_factory) -> Iterator[PrivatePostgres]:
    """A private cluster with the project's schema in a template database."""
    postgres = PrivatePostgres()
    try:
        postgres.init()
        postgres.start()
        postgres.execute("postgres", f"CREATE DATABASE {TEMPLATE_DATABASE}")
        work_dir = tmp_path_factory.mktemp("drill-migrate")
        env = app_env(
            postgres.url(TEMPLATE_DATABASE), "redis://127.0.0.1:1/0", work_dir
        )
        manage(env, "migrate", "--no-input", timeout=300)
        yield postgres
    finally:
        postgres.destroy()


@dataclass
class Drill:
    """One drill's private services and the environment of its processes."""

    work_dir: Path
    postgres: PrivatePostgres
    database: str
    redis: PrivateRedis
    env: dict[str, str]

    def query(self, sql: str) -> list[tuple]:
        return self.postgres.execute(self.database, sql)

    def scalar(self, sql: str):
        return self.query(sql)[0][0]


@pytest.fixture
def drill(drill_postgres, tmp_path) -> Iterator[Drill]:
    """A fresh migrated database and a private, running redis-server."""
    drill_postgres.ensure_running()
    database = f"drill_{next(_databases)}"
    drill_postgres.execute(
        "postgres", f"CREATE DATABASE {database} TEMPLATE {TEMPLATE_DATABASE}"
    )
    redis = PrivateRedis(tmp_path)
    try:
        redis.start()
        env = app_env(drill_postgres.url(database), redis.url, tmp_path)
        yield Drill(tmp_path, drill_postgres, database, redis, env)
    finally:
        redis.stop()


@pytest.fixture
def app(drill) -> Iterator[App]:
    """The API served by uvicorn with two workers, against the drill's services."""
    server = App(drill.env, drill.work_dir)
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture
def workers(drill) -> Iterator[list[Worker]]:
    """Celery workers the drill starts; every one is stopped at the end."""
    started: list[Worker] = []
    try:
        yield started
    finally:
        for worker in started:
            worker.kill()
