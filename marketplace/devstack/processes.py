"""Child processes of the dev stack: start them, watch them, stop them all."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parent.parent.parent
LOCALHOST = "127.0.0.1"
START_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0


def free_port(host: str = LOCALHOST) -> int:
    """Return a TCP port that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen[bytes], name: str) -> None:
    """Block until ``port`` accepts connections, or fail if ``process`` dies."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with code {process.returncode}")
        with contextlib.suppress(OSError):
            socket.create_connection((LOCALHOST, port), timeout=0.5).close()
            return
        time.sleep(0.05)

    raise RuntimeError(f"{name} did not listen on port {port} in time")


def spawn(
    args: list[str], env: dict[str, str] | None = None, log: IO[bytes] | None = None
) -> subprocess.Popen[bytes]:
    """Start a long-running child in its own session.

    Its own session keeps the terminal's Ctrl-C away from it, so the
    launcher decides the order of shutdown (S3 is snapshotted before moto
    stops, for one) and a process group to sweep when it is done.
    """
    return subprocess.Popen(
        args,
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT if log else None,
        start_new_session=True,
    )


def stop_process(process: subprocess.Popen[Any], timeout: float = STOP_TIMEOUT) -> None:
    """Ask ``process`` to stop, kill it after ``timeout``, then sweep its group."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            kill_group(process)
            process.wait()

    # A Celery worker's pool processes can outlive their parent.
    kill_group(process)


def kill_group(process: subprocess.Popen[Any]) -> None:
    """Kill whatever is left in the process group that ``process`` leads."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


class Signals:
    """Count stop requests instead of raising, so shutdown is never cut short."""

    def __init__(self) -> None:
        self.count = 0
        self.foreground: subprocess.Popen[Any] | None = None
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, self.handle)

    def handle(self, signum: int, frame: object) -> None:
        self.count += 1
        # Ctrl-C already reached the foreground child: it shares our group.
        if self.foreground is not None and signum != signal.SIGINT:
            self.foreground.send_signal(signum)

    def run_foreground(self, args: list[str], env: dict[str, str]) -> int:
        """Run a command in the terminal's foreground and return its exit code."""
        self.foreground = subprocess.Popen(args, cwd=ROOT, env=env)
        try:
            return self.foreground.wait()
        finally:
            self.foreground = None


def supervise(children: dict[str, subprocess.Popen[bytes]], signals: Signals) -> int:
    """Wait for a stop request (exit 0) or for any child to die (exit 1)."""
    while not signals.count:
        for name, child in children.items():
            if child.poll() is not None:
                print(
                    f"devstack: {name} exited with {child.returncode}", file=sys.stderr
                )
                return 1
        time.sleep(0.2)
    return 0


def stop_children(
    children: dict[str, subprocess.Popen[bytes]], signals: Signals
) -> None:
    """Stop every child together; a further stop request kills them at once."""
    requests = signals.count
    for child in children.values():
        if child.poll() is None:
            child.terminate()

    deadline = time.monotonic() + STOP_TIMEOUT
    while time.monotonic() < deadline and signals.count <= requests:
        if all(child.poll() is not None for child in children.values()):
            break
        time.sleep(0.1)

    for child in children.values():
        kill_group(child)
        child.wait()
