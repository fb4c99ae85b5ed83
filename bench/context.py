"""What every scenario receives, and how it records figures or skips."""

import json
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psycopg

from bench.servers import Server
from bench.signals import Stop


class Skipped(Exception):
    """A scenario cannot run here, e.g. its endpoint does not exist yet."""


@dataclass
class Context:
    """One server under test, this run's data, and the figures gathered so far."""

    server: Server
    stop: Stop
    env: dict[str, str]
    run_dir: Path
    results: dict = field(default_factory=dict)

    @property
    def fixture(self) -> dict:
        return json.loads((self.run_dir / "fixture.json").read_text())

    def url(self, path: str) -> str:
        return f"{self.server.base_url}{path}"

    def get(self, path: str, token: str | None = None) -> httpx.Response:
        """One GET through the server, with a Bearer token when given."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.get(self.url(path), headers=headers, timeout=60)

    def require(self, path: str, token: str | None = None) -> httpx.Response:
        """GET `path`; skip the scenario when the endpoint does not exist."""
        response = self.get(path, token)
        if response.status_code == 404:
            raise Skipped(f"GET {path} answers 404: endpoint missing")
        if response.status_code >= 400:
            raise RuntimeError(f"GET {path} answered {response.status_code}")
        return response

    def sql(self, query: str, params: dict | None = None) -> list[tuple]:
        """Run one read query on the bench database."""
        with psycopg.connect(self.env["DATABASE_URL"]) as connection:
            return connection.execute(query, params or {}).fetchall()
