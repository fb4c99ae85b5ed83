"""The launcher's helpers and its embedded services, without Django."""

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import dj_database_url
import psutil
import psycopg
import pytest
import redis
from moto.server import ThreadedMotoServer

from marketplace import devstack
from marketplace.devstack import processes, stores


@pytest.fixture
def s3() -> Iterator[Any]:
    port = processes.free_port()
    server = ThreadedMotoServer(ip_address=processes.LOCALHOST, port=port)
    server.start()
    url = f"http://{processes.LOCALHOST}:{port}"
    # Moto's backends are global to the process: start every test empty.
    urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/reset", b""))
    client = stores.s3_client(url)

    yield client

    server.stop()


def process_gone(pid: int) -> bool:
    try:
        # A killed postgres may wait a moment for init to reap it.
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def wait_until(condition: Callable[[], bool], timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_redact_url_hides_the_password() -> None:
    url = "postgresql://app:s3cret@db.example:5432/marketplace?sslmode=require"

    redacted = stores.redact_url(url)

    assert (
        redacted == "postgresql://app:***@db.example:5432/marketplace?sslmode=require"
    )


def test_redact_url_hides_a_password_without_user() -> None:
    assert stores.redact_url("redis://:pw@cache:6379/0") == "redis://:***@cache:6379/0"


def test_redact_url_leaves_urls_without_password_alone() -> None:
    for url in ("redis://127.0.0.1:6379/0", "postgresql://postgres@/db", "http://x"):
        assert stores.redact_url(url) == url


def test_socket_database_url_gives_django_the_socket_dir_as_host() -> None:
    url = stores.socket_database_url(Path("/work/main/var/dev/pgdata"), "shop")

    config = dj_database_url.parse(url)

    assert config["HOST"] == "/work/main/var/dev/pgdata"
    assert config["NAME"] == "shop"
    assert config["USER"] == "postgres"


def test_free_port_can_be_bound() -> None:
    port = processes.free_port()

    with socket.socket() as sock:
        sock.bind((processes.LOCALHOST, port))
        assert sock.getsockname()[1] == port


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("a.txt", "a.txt"),
        ("media/products/1/photo.jpg", "media/products/1/photo.jpg"),
        ("../escape", None),
        ("/absolute", None),
        ("folder/", None),
        ("a//b", None),
        ("a/./b", None),
    ],
)
def test_key_path_keeps_keys_inside_the_snapshot(
    key: str, expected: str | None
) -> None:
    base = Path("/snap/bucket")

    path = stores.key_path(base, key)

    assert path == (None if expected is None else base / expected)


def test_s3_snapshot_then_restore_brings_objects_back(s3: Any, tmp_path: Path) -> None:
    snapshot = tmp_path / "s3"
    stores.ensure_bucket(s3, "marketplace")
    s3.put_object(Bucket="marketplace", Key="media/p/1.jpg", Body=b"\xff\xd8jpeg")
    s3.put_object(Bucket="marketplace", Key="readme.txt", Body=b"hello")
    s3.put_object(Bucket="marketplace", Key="../escape", Body=b"no")

    stores.snapshot_s3(s3, snapshot)
    for key in ("media/p/1.jpg", "readme.txt", "../escape"):
        s3.delete_object(Bucket="marketplace", Key=key)
    stores.restore_s3(s3, snapshot)

    listed = s3.list_objects_v2(Bucket="marketplace")["Contents"]
    assert sorted(item["Key"] for item in listed) == ["media/p/1.jpg", "readme.txt"]
    photo = s3.get_object(Bucket="marketplace", Key="media/p/1.jpg")
    assert photo["Body"].read() == b"\xff\xd8jpeg"
    assert photo["ContentType"] == "image/jpeg"


def test_s3_snapshot_drops_objects_deleted_since_the_last_one(
    s3: Any, tmp_path: Path
) -> None:
    snapshot = tmp_path / "s3"
    stores.ensure_bucket(s3, "marketplace")
    s3.put_object(Bucket="marketplace", Key="old.txt", Body=b"old")
    stores.snapshot_s3(s3, snapshot)

    s3.delete_object(Bucket="marketplace", Key="old.txt")
    s3.put_object(Bucket="marketplace", Key="new.txt", Body=b"new")
    stores.snapshot_s3(s3, snapshot)

    files = sorted(p.relative_to(snapshot).as_posix() for p in snapshot.rglob("*.txt"))
    assert files == ["marketplace/new.txt"]
    assert not snapshot.with_name("s3.new").exists()
    assert not snapshot.with_name("s3.old").exists()


def test_embedded_redis_answers_then_stops(tmp_path: Path) -> None:
    with contextlib.ExitStack() as stack:
        url = stores.start_redis(tmp_path / "redis", False, stack)
        client = redis.Redis.from_url(url)
        assert client.ping()
        pid = client.info("server")["process_id"]
        client.close()

    assert process_gone(pid)


def test_embedded_redis_persists_when_asked(tmp_path: Path) -> None:
    for expected in (None, b"kept"):
        with contextlib.ExitStack() as stack:
            url = stores.start_redis(tmp_path / "redis", True, stack)
            client = redis.Redis.from_url(url)
            assert client.get("key") == expected
            client.set("key", "kept")
            client.close()


def test_embedded_postgres_creates_the_database_then_stops(tmp_path: Path) -> None:
    with contextlib.ExitStack() as stack:
        url = stores.start_postgres(tmp_path / "pgdata", stack)
        with psycopg.connect(url) as connection:
            row = connection.execute("SELECT current_database(), pg_backend_pid()")
            name, _ = row.fetchone()
            postmaster = (tmp_path / "pgdata" / "postmaster.pid").read_text()
        assert name == stores.DATABASE_NAME

    assert process_gone(int(postmaster.split()[0]))


def test_services_use_external_urls_and_start_nothing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://app:pw@db:5432/marketplace")
    monkeypatch.setenv("REDIS_URL", "redis://cache:6379/1")
    monkeypatch.setenv("AWS_S3_ENDPOINT_URL", "http://minio:9000")
    monkeypatch.setattr(stores, "ROOT", tmp_path)
    for starter in ("start_postgres", "start_redis", "start_s3"):
        monkeypatch.setattr(stores, starter, None)

    with stores.services("test") as env:
        assert env["DATABASE_URL"] == "postgresql://app:pw@db:5432/marketplace"
        assert env["REDIS_URL"] == "redis://cache:6379/1"
        assert env["AWS_S3_ENDPOINT_URL"] == "http://minio:9000"

    err = capsys.readouterr().err
    assert "postgresql://app:***@db:5432/marketplace" in err
    assert ":pw@" not in err
    assert err.count("external") == 3


def test_stop_process_kills_a_child_that_ignores_sigterm_and_its_group() -> None:
    script = (
        "import signal, subprocess, sys, time\n"
        "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "child = subprocess.Popen(['sleep', '60'])\n"
        "print(child.pid, flush=True)\n"
        "time.sleep(60)\n"
    )
    process = processes.spawn([sys.executable, "-c", script], log=subprocess.PIPE)
    grandchild = int(process.stdout.readline())

    processes.stop_process(process, timeout=0.5)

    assert process.returncode == -signal.SIGKILL
    assert wait_until(lambda: process_gone(grandchild))


def test_forget_dead_handles_keeps_only_live_pids(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", ""])
    dead.wait()
    handles = tmp_path / ".handle_pids.json"
    handles.write_text(json.dumps([dead.pid, os.getpid()]))

    stores.forget_dead_handles(tmp_path)

    assert json.loads(handles.read_text()) == [os.getpid()]


def test_test_command_runs_pytest_on_the_test_settings(monkeypatch):
    seen: dict[str, str] = {}

    @contextlib.contextmanager
    def no_services(mode):
        yield {"DJANGO_SETTINGS_MODULE": "marketplace.settings.local"}

    class Recorder:
        count = 0

        def run_foreground(self, args, env):
            seen.update(env)
            return 0

    monkeypatch.setattr(devstack, "services", no_services)

    assert devstack.command_test(["-q"], Recorder()) == 0
    assert seen["DJANGO_SETTINGS_MODULE"] == "marketplace.settings.test"
