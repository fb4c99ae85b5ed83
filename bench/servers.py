"""The system under test, served as production would: several uvicorn workers."""

import contextlib
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from subprocess import Popen

import httpx
import psutil

from marketplace.devstack import LOCALHOST, free_port, spawn, stop_process

WORKERS = 3
START_TIMEOUT = 90.0


@dataclass(frozen=True)
class Server:
    """A running uvicorn master and the URL it answers on."""

    name: str
    process: Popen[bytes]
    base_url: str

    def worker_pids(self) -> list[int]:
        """The pids of the worker processes (the master's children)."""
        master = psutil.Process(self.process.pid)
        return [child.pid for child in master.children(recursive=True)]

    def workers_rss_bytes(self) -> int:
        """The resident memory of every worker together, from /proc."""
        return sum(rss_bytes(pid) for pid in self.worker_pids())


def rss_bytes(pid: int) -> int:
    """Return VmRSS of a process as /proc/<pid>/status reports it."""
    with contextlib.suppress(FileNotFoundError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


@contextlib.contextmanager
def server_running(name: str, env: dict[str, str], log_dir: Path) -> Iterator[Server]:
    """Start uvicorn with the bench settings; stop it and its workers on exit."""
    port = free_port()
    args = [
        sys.executable,
        *("-m", "uvicorn", "marketplace.asgi:application"),
        *("--workers", str(WORKERS), "--no-access-log"),
        *("--host", LOCALHOST, "--port", str(port)),
    ]
    log_dir.mkdir(parents=True, exist_ok=True)
    with open(log_dir / f"server-{name}.log", "ab") as log:
        process = spawn(args, env, log)
    try:
        server = Server(name, process, f"http://{LOCALHOST}:{port}")
        _wait_ready(server)
        yield server
    finally:
        stop_process(process)


def _wait_ready(server: Server) -> None:
    """Wait until every worker has imported Django and answers."""
    deadline = time.monotonic() + START_TIMEOUT
    answered = 0
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"server {server.name} exited with {server.process.returncode}; "
                f"see var/bench/logs/server-{server.name}.log"
            )
        with contextlib.suppress(httpx.HTTPError):
            response = httpx.get(f"{server.base_url}/bench/bare", timeout=5)
            answered = answered + 1 if response.status_code == 200 else 0
            # Several answers in a row: the workers are up, not just one.
            if answered >= 3 * WORKERS:
                return
        time.sleep(0.1)
    raise RuntimeError(f"server {server.name} did not answer in {START_TIMEOUT:g}s")
