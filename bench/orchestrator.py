"""`make bench`: start the system, load data, drive load, write the summary.

Steps: the services (embedded unless DATABASE_URL/REDIS_URL/AWS_* are set,
as for `make run`), migrations, the dataset (kept in var/bench across runs)
and this run's carts and tokens; then a server with the catalog cache on for
the cached, stock, checkout and SSE scenarios, and a second one with it off
for the uncached catalog, deep pages and query counts; last `verify_stock`.
Figures go to var/bench/summary.json and a table on stdout. The exit code
is 0 even when targets are missed; 1 when a scenario could not be measured.
"""

import json
import os
import resource
import secrets
import shutil
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial

from bench import scenario_queries, scenario_sse
from bench import scenarios_http as http
from bench import scenarios_orders as orders
from bench.context import Context, Skipped
from bench.servers import server_running
from bench.signals import Interrupted, Stop
from bench.summary import summarize, table
from bench.wrk import WrkMissing, wrk_binary
from marketplace.devstack import ROOT, services

BENCH_DIR = ROOT / "var" / "bench"
RUN_DIR = BENCH_DIR / "run"
LOG_DIR = BENCH_DIR / "logs"
SUMMARY = BENCH_DIR / "summary.json"
UNLIMITED = "100000000/min"


class Run:
    """One benchmark run: its environment, figures and outcomes per scenario."""

    def __init__(self, stop: Stop) -> None:
        self.stop = stop
        self.started = time.monotonic()
        self.results: dict = {}
        self.skipped: dict[str, str] = {}
        self.failed: dict[str, str] = {}

    def say(self, message: str) -> None:
        elapsed = int(time.monotonic() - self.started)
        clock = f"{elapsed // 60:02d}:{elapsed % 60:02d}"
        print(f"bench [{clock}] {message}", file=sys.stderr)

    def step(self, name: str, action: Callable[[], None]) -> None:
        """Run one scenario; a skip or a failure is recorded, not fatal."""
        self.stop.checkpoint()
        self.say(name)
        try:
            action()
        except Skipped as reason:
            self.skipped[name] = str(reason)
            self.say(f"  skipped: {reason}")
        except (Interrupted, KeyboardInterrupt):
            raise
        except Exception as error:
            self.failed[name] = f"{type(error).__name__}: {error}"
            self.say(f"  FAILED: {self.failed[name]}")
            traceback.print_exc(file=sys.stderr)


def bench_env(base: dict[str, str]) -> dict[str, str]:
    """The environment of every process that runs the project for the bench."""
    return {
        **base,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "DEBUG": "0",
        "SECURE_SSL_REDIRECT": "0",
        "JWT_ACCESS_MINUTES": "600",
        "RATE_LIMIT_USER": UNLIMITED,
        "RATE_LIMIT_ANON": UNLIMITED,
        "RATE_LIMIT_AUTH": UNLIMITED,
        "LOGS_DIR": str(LOG_DIR),
        "CATALOG_CACHE_ENABLED": "1",
    }


def manage(run: Run, env: dict[str, str], *args: str) -> int:
    """Run a management command in the foreground; return its exit code."""
    quiet = {**env, "LOG_LEVEL": "WARNING"}
    return run.stop.run_foreground([sys.executable, "manage.py", *args], quiet)


def prepare(run: Run, env: dict[str, str], run_id: str) -> None:
    """Migrate, load the dataset unless present, and prepare this run's data."""
    shutil.rmtree(RUN_DIR, ignore_errors=True)
    for args in (
        ("migrate", "--noinput", "-v", "0"),
        ("bench_load", "--run-id", run_id, "--out", str(RUN_DIR)),
    ):
        run.stop.checkpoint()
        run.say(f"manage.py {args[0]}")
        if manage(run, env, *args):
            raise RuntimeError(f"manage.py {args[0]} failed")


def scenarios_cached(run: Run, ctx: Context) -> None:
    """Scenarios on the server whose catalog cache is on."""
    for name, action in (
        ("catalog (cache warm) vs bare", partial(http.catalog_vs_bare, ctx, "warm")),
        ("stock balance: 1M vs 1k ledger rows", partial(http.balance_growth, ctx)),
        (
            "checkout: 1M vs 1k ledger rows, then replays",
            partial(orders.checkout_growth_and_replay, ctx),
        ),
        ("checkout: 50 buyers, one SKU vs 50 SKUs", partial(orders.hot_sku, ctx)),
        ("SSE: 1,000 open streams", partial(scenario_sse.sse_fanout, ctx)),
    ):
        run.step(name, action)


def scenarios_uncached(run: Run, ctx: Context) -> None:
    """Scenarios on the server whose catalog cache is off."""
    for name, action in (
        ("catalog (cache off) vs bare", partial(http.catalog_vs_bare, ctx, "uncached")),
        ("catalog page 500 vs page 1", partial(http.deep_page, ctx)),
        ("queries per request", partial(scenario_queries.query_counts, ctx)),
    ):
        run.step(name, action)


def execute(run: Run) -> None:
    """Everything between starting the services and stopping them."""
    run_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    shutil.rmtree(LOG_DIR, ignore_errors=True)
    with services("bench") as base:
        env = bench_env(base)
        prepare(run, env, run_id)

        for name, extra, scenarios in (
            ("cached", {}, scenarios_cached),
            ("uncached", {"CATALOG_CACHE_ENABLED": "0"}, scenarios_uncached),
        ):
            run.stop.checkpoint()
            run.say(f"starting the server ({name} catalog)")
            with server_running(name, {**env, **extra}, LOG_DIR) as server:
                scenarios(run, Context(server, run.stop, env, RUN_DIR, run.results))

        run.say("manage.py verify_stock")
        run.results["verify_stock_clean"] = manage(run, env, "verify_stock") == 0


def machine_context(run: Run) -> dict:
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return done.stdout.strip()

    return {
        "git_commit": git("rev-parse", "HEAD"),
        "git_dirty": bool(git("status", "--porcelain", "--untracked-files=no")),
        "timestamp": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        "nproc": os.cpu_count(),
        "duration_s": round(time.monotonic() - run.started, 1),
        "skipped": run.skipped,
        "failed": run.failed,
    }


def report(run: Run) -> None:
    summary = summarize(run.results)
    summary["context"] = machine_context(run)
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    SUMMARY.write_text(json.dumps(summary, indent=2, default=str) + "\n")
    print(table(summary))
    for name, reason in {**run.skipped, **run.failed}.items():
        print(f"not measured: {name}: {reason}")
    print(f"summary: {SUMMARY.relative_to(ROOT)} ({summary['context']['duration_s']}s)")


def raise_open_files_limit() -> None:
    """1,000 streams need more descriptors than some shells allow by default."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 65536 if hard == resource.RLIM_INFINITY else hard
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


def main() -> int:
    """Run the benchmark; return 0 when every scenario was measured."""
    stop = Stop()
    run = Run(stop)
    try:
        wrk_binary()
        raise_open_files_limit()
        execute(run)
    except WrkMissing as error:
        print(f"bench: {error}", file=sys.stderr)
        return 2
    except Interrupted:
        print("bench: interrupted; everything it started is stopped", file=sys.stderr)
        return 130
    report(run)
    return 1 if run.failed else 0
