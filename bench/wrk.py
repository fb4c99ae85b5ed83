"""Run wrk, the separate process that drives HTTP load, and read its report.

Figures come from wrk's own `--latency` report (Requests/sec and the latency
distribution). Scripts under bench/wrk/ may also print one `BENCH_JSON {...}`
line from their `done()` with what the report lacks: response statuses and
the number of requests that did real work.
"""

import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.signals import Interrupted, Stop
from marketplace.devstack import ROOT

SCRIPTS_DIR = Path(__file__).resolve().parent / "wrk"
TIME_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
COUNT_UNITS = {"": 1.0, "k": 1e3, "M": 1e6, "G": 1e9}

_PERCENTILE = re.compile(r"^\s*(\d+(?:\.\d+)?)%\s+([\d.]+)(us|ms|s|m|h)\s*$", re.M)
_TOTAL = re.compile(r"^\s*(\d+) requests in ([\d.]+)(us|ms|s|m|h)", re.M)
_RPS = re.compile(r"^Requests/sec:\s+([\d.]+)", re.M)
_NON_2XX = re.compile(r"^\s*Non-2xx or 3xx responses:\s+(\d+)", re.M)
_SOCKET = re.compile(
    r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)"
)
_SCRIPT_JSON = re.compile(r"^BENCH_JSON (\{.*\})\s*$", re.M)


class WrkMissing(RuntimeError):
    """wrk is not installed and could not be installed here."""


@dataclass(frozen=True)
class WrkResult:
    """One wrk run: totals, latency percentiles (ms) and script extras."""

    requests: int
    duration_s: float
    rps: float
    percentiles_ms: dict[float, float]
    non_2xx: int = 0
    socket_errors: int = 0
    script: dict = field(default_factory=dict)

    @property
    def p50_ms(self) -> float:
        return self.percentiles_ms[50.0]

    @property
    def p99_ms(self) -> float:
        return self.percentiles_ms[99.0]


def to_ms(value: str, unit: str) -> float:
    """Convert one of wrk's durations (`12.5ms`, `1.02s`, `980.00us`) to ms."""
    return float(value) * TIME_UNITS_MS[unit]


def parse_output(text: str) -> WrkResult:
    """Parse the report that `wrk --latency` prints, plus a BENCH_JSON line."""
    total = _TOTAL.search(text)
    rps = _RPS.search(text)
    if total is None or rps is None:
        raise ValueError(f"not a wrk report:\n{text}")

    non_2xx = _NON_2XX.search(text)
    sockets = _SOCKET.search(text)
    script = _SCRIPT_JSON.search(text)
    return WrkResult(
        requests=int(total.group(1)),
        duration_s=to_ms(total.group(2), total.group(3)) / 1000,
        rps=float(rps.group(1)),
        percentiles_ms={
            float(share): to_ms(value, unit)
            for share, value, unit in _PERCENTILE.findall(text)
        },
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=sum(map(int, sockets.groups())) if sockets else 0,
        script=json.loads(script.group(1)) if script else {},
    )


def wrk_binary() -> str:
    """Return wrk's path, installing the Debian package when we are root."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise WrkMissing("wrk is not installed; install it: `apt-get install wrk`")

    install = ["apt-get", "install", "-y", "-q", "wrk"]
    if subprocess.run(install, stdout=subprocess.DEVNULL).returncode:
        subprocess.run(["apt-get", "update", "-q"], stdout=subprocess.DEVNULL)
        subprocess.run(install, stdout=subprocess.DEVNULL)
    found = shutil.which("wrk")
    if not found:
        raise WrkMissing("wrk is missing and `apt-get install wrk` failed")
    return found


@dataclass(frozen=True)
class Load:
    """What one wrk run sends: where, how hard, for how long, with what script."""

    url: str
    connections: int = 16
    threads: int = 2
    seconds: float = 8.0
    script: str | None = None
    headers: tuple[str, ...] = ()
    script_env: dict[str, str] = field(default_factory=dict)


def wrk_run(load: Load, stop: Stop) -> WrkResult:
    """Run wrk once and return its parsed report."""
    threads = min(load.threads, load.connections)
    args = [
        wrk_binary(),
        *("-t", str(threads), "-c", str(load.connections)),
        *("-d", f"{load.seconds:g}s", "--timeout", "30s", "--latency"),
    ]
    for header in load.headers:
        args += ["-H", header]
    if load.script:
        args += ["-s", str(SCRIPTS_DIR / load.script)]
    env = {
        **os.environ,
        **load.script_env,
        "BENCH_WRK_DIR": str(SCRIPTS_DIR),
        "BENCH_THREADS": str(threads),
    }

    with tempfile.TemporaryDirectory(prefix="bench-wrk-") as done_dir:
        env["BENCH_DONE_DIR"] = done_dir
        output = _run_until_done([*args, load.url], env, Path(done_dir), threads, stop)
    if stop.requested:
        raise Interrupted()
    return parse_output(output)


def _run_until_done(
    args: list[str], env: dict[str, str], done_dir: Path, threads: int, stop: Stop
) -> str:
    """Run wrk; interrupt it once every thread of a finite script is done.

    wrk sleeps its whole `-d` duration; SIGINT ends the sleep, and the
    report then covers the time actually spent.
    """
    stop.checkpoint()
    process = subprocess.Popen(
        args, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
    )
    stop.foreground = process
    try:
        while process.poll() is None and not stop.requested:
            if len(list(done_dir.iterdir())) >= threads:
                process.send_signal(signal.SIGINT)
                break
            time.sleep(0.02)
        output, _ = process.communicate()
    finally:
        stop.foreground = None
    return output
