"""Private services and app processes that a fault drill may stop at will.

Each drill runs its own redis-server, its own PostgreSQL cluster (the
binaries the pgserver wheel ships, driven with initdb and pg_ctl so the
drill can stop and restart it) and the real system in subprocesses: uvicorn
with two workers and, where needed, a Celery worker. Nothing here touches
the services the rest of the suite uses.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from importlib.util import find_spec
from pathlib import Path

import httpx
import psycopg

from marketplace.devstack import (
    LOCALHOST,
    free_port,
    kill_group,
    redis_binary,
    spawn,
    wait_for_port,
)

ROOT = Path(__file__).resolve().parent.parent.parent
SETTINGS = "tests.drills.settings"
# Located, not imported: importing pgserver sets up its own runtime directory.
PG_BIN = Path(find_spec("pgserver").origin).parent / "pginstall" / "bin"
# pgserver runs PostgreSQL as this user when the tests run as root, as
# PostgreSQL refuses to run as root.
PG_SYSTEM_USER = "pgserver"
START_TIMEOUT = 30.0


def _pg_user() -> str | None:
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(PG_SYSTEM_USER)
    except KeyError:
        # What pgserver itself does the first time it runs as root.
        subprocess.run(["useradd", "-s", "/bin/bash", PG_SYSTEM_USER], check=True)
    return PG_SYSTEM_USER


class PrivateRedis:
    """A redis-server on a free port that a drill stops and starts again."""

    def __init__(self, work_dir: Path) -> None:
        self.dir = work_dir / "redis"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://{LOCALHOST}:{self.port}/0"

    def start(self) -> None:
        # No persistence: a restart loses every key, as a crashed cache does.
        args = [
            str(redis_binary()),
            *("--bind", LOCALHOST, "--port", str(self.port), "--dir", str(self.dir)),
            *("--logfile", str(self.dir / "redis.log"), "--save", ""),
            *("--appendonly", "no"),
        ]
        self.process = spawn(args)
        wait_for_port(self.port, self.process, "redis-server")

    def kill(self) -> None:
        """Stop it the hard way: clients see their connections drop."""
        if self.process is not None:
            kill_group(self.process)
            self.process.wait()
            self.process = None

    def stop(self) -> None:
        self.kill()


class PrivatePostgres:
    """A PostgreSQL cluster in a temporary directory, listening on loopback TCP."""

    def __init__(self) -> None:
        # Not under pytest's tmp_path: the PostgreSQL user must traverse it.
        self.dir = Path(tempfile.mkdtemp(prefix="mk-drill-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "postgres.log"
        self.port = free_port()

    def url(self, database: str) -> str:
        return f"postgresql://postgres@{LOCALHOST}:{self.port}/{database}"

    def init(self) -> None:
        self.dir.chmod(0o755)
        if _pg_user() is not None:
            shutil.chown(self.dir, _pg_user(), _pg_user())
        self._run(
            "initdb",
            *("-D", str(self.data), "-U", "postgres"),
            *("--auth=trust", "--encoding=utf8", "--no-sync"),
        )

    def start(self) -> None:
        options = f"-h {LOCALHOST} -p {self.port} -k '' -c fsync=off"
        self._run(
            "pg_ctl",
            *("-D", str(self.data), "-o", options, "-l", str(self.log)),
            *("-w", "-t", str(int(START_TIMEOUT)), "start"),
        )

    def stop(self, mode: str = "fast") -> None:
        """Stop the server; `fast` ends every session, `immediate` crashes it."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def ensure_running(self) -> None:
        """Start the server again if a drill that stopped it failed midway."""
        status = subprocess.run(
            [str(PG_BIN / "pg_ctl"), "-D", str(self.data), "status"],
            user=_pg_user(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if status.returncode != 0:
            self.start()

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            if (self.data / "postmaster.pid").exists():
                self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)

    def execute(self, database: str, query: str) -> list[tuple]:
        with psycopg.connect(self.url(database), autocommit=True) as connection:
            cursor = connection.execute(query)
            return cursor.fetchall() if cursor.description else []

    def _run(self, program: str, *args: str) -> None:
        subprocess.run(
            [str(PG_BIN / program), *args],
            cwd=self.dir,
            user=_pg_user(),
            check=True,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=START_TIMEOUT + 10,
        )


def app_env(database_url: str, redis_url: str, work_dir: Path) -> dict[str, str]:
    """Return the environment of the app's processes for one drill."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE=SETTINGS,
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        LOGS_DIR=str(work_dir / "logs"),
        MAIL_DIR=str(work_dir / "mail"),
        PYTHONUNBUFFERED="1",
    )
    return env


def manage(env: dict[str, str], *args: str, timeout: float = 120) -> str:
    """Run a manage.py command and return its standard output."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise AssertionError(
            f"manage.py {' '.join(args)} exited {result.returncode}:\n"
            f"{result.stdout}\n{result.stderr}"
        )
    return result.stdout


def run_script(env: dict[str, str], code: str) -> str:
    """Run Python code in a Django shell of the drill's settings."""
    return manage(env, "shell", "--no-imports", "-c", code)


class App:
    """uvicorn with two worker processes serving the API."""

    def __init__(self, env: dict[str, str], work_dir: Path) -> None:
        self.env = env
        self.port = free_port()
        self.log_path = work_dir / "uvicorn.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://{LOCALHOST}:{self.port}"

    def start(self) -> None:
        args = [
            *(sys.executable, "-m", "uvicorn", "marketplace.asgi:application"),
            *("--host", LOCALHOST, "--port", str(self.port)),
            *("--workers", "2", "--no-access-log"),
        ]
        with open(self.log_path, "ab") as log:
            self.process = spawn(args, env=self.env, log=log)
        self._wait_live()

    def stop(self) -> None:
        # Nothing to finish gracefully: the drill has read what it needs.
        if self.process is not None:
            kill_group(self.process)
            self.process.wait()
            self.process = None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def _wait_live(self) -> None:
        # Both workers import Django; the port answers as soon as one does.
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"uvicorn exited:\n{self.log()}")
            with contextlib.suppress(httpx.TransportError):
                response = httpx.get(f"{self.base_url}/health/liveness", timeout=2)
                if response.status_code == 200:
                    return
            time.sleep(0.2)
        raise RuntimeError(f"uvicorn did not answer in time:\n{self.log()}")


class Worker:
    """A Celery worker with one pool process, in its own process group."""

    def __init__(self, env: dict[str, str], work_dir: Path, name: str) -> None:
        self.env = env
        self.log_path = work_dir / f"{name}.log"
        self.name = name
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        args = [
            *(sys.executable, "-m", "celery", "-A", "marketplace", "worker"),
            *("--concurrency", "1", "--loglevel", "INFO"),
            *("--without-gossip", "--without-mingle", "--without-heartbeat"),
            *("--hostname", f"{self.name}@drill"),
        ]
        with open(self.log_path, "ab") as log:
            self.process = spawn(args, env=self.env, log=log)

    def kill(self) -> None:
        """SIGKILL the worker and its pool: no chance to ack or requeue."""
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
            self.process = None

    def log(self) -> str:
        if not self.log_path.exists():
            return ""
        return self.log_path.read_text(errors="replace")


def wait_until(
    condition: Callable[[], object],
    timeout: float,
    message: Callable[[], str],
    interval: float = 0.2,
) -> object:
    """Poll `condition` until it returns a truthy value, or fail with `message()`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(message())
