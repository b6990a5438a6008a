"""Real portal processes for tests: a database of their own, uvicorn, Celery workers.

Used by the browser tests (tests/e2e) and the worker integration tests (tests/risk).
Every process gets its own process group, so stopping it stops its children too.
"""
import fcntl
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg2
from django.conf import settings

STARTUP_TIMEOUT = 90  # seconds, for the server to answer and the worker to report ready
COMMAND_TIMEOUT = 1800  # seconds, for one setup command (the reference data is large)


def database_urls(name: str) -> tuple[str, str]:
    """(URL of the e2e database, URL of the maintenance database) on the test server."""
    base = urlsplit(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/customs_portal_test"))
    return urlunsplit(base._replace(path=f"/{name}")), urlunsplit(base._replace(path="/postgres"))


def database_recreate(*, maintenance_url: str, name: str) -> None:
    connection = psycopg2.connect(maintenance_url)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{name}"')
    finally:
        connection.close()


def _run_id() -> str:
    """The same for every process of one pytest run (xdist workers share the controller's id)."""
    return os.environ.get("PYTEST_XDIST_TESTRUNUID") or f"pid-{os.getpid()}"


def portal_database_create(name: str, *, env: dict, log_dir: Path) -> str:
    """Database `name` (dropped first if it exists) with the migrations applied, the full reference data and
    the demo accounts; its URL.

    Building that takes `migrate`, `load_reference_data` and `seed_demo` (most of a minute); the live portals
    of the e2e, integration and payment tests would each repeat it. The first of them in a test run builds a
    template database (named after DATABASE_URL's, so checkouts on other databases never share it) with
    exactly those commands, and every live portal gets a copy of it (CREATE DATABASE … TEMPLATE, seconds).
    The template is rebuilt once per run, so it always has this checkout's migrations and data. A file
    lock orders the xdist workers: one builds, the others wait; PostgreSQL copies a template only while
    nobody else is connected to it.
    """
    database_url, maintenance_url = database_urls(name)
    base = urlsplit(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/customs_portal_test"))
    template = f"{base.path.lstrip('/')}_portal_template"
    template_url, _ = database_urls(template)
    run_id = _run_id()
    lock_path = Path(tempfile.gettempdir()) / f"{base.hostname}-{base.port}-{template}.lock"
    with lock_path.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        connection = psycopg2.connect(maintenance_url)
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                               [template])
                row = cursor.fetchone()
                if row is None or row[0] != run_id:
                    database_recreate(maintenance_url=maintenance_url, name=template)
                    template_env = {**env, "DATABASE_URL": template_url}
                    for command in (["migrate", "--noinput"], ["load_reference_data"], ["seed_demo", "--force"]):
                        manage(*command, env=template_env, log_dir=log_dir)
                    cursor.execute(f'COMMENT ON DATABASE "{template}" IS %s', [run_id])
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        finally:
            connection.close()
    return database_url


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tail(path: Path, lines: int = 60) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return "(no output)"


def manage(*args: str, env: dict, log_dir: Path) -> None:
    log = log_dir / f"manage-{args[0]}.log"
    with log.open("w") as out:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            timeout=COMMAND_TIMEOUT,
        )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed ({result.returncode}):\n{tail(log)}")


def spawn(name: str, command: list[str], *, env: dict, log_dir: Path) -> tuple[subprocess.Popen, Path]:
    log = log_dir / f"{name}.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            command,
            cwd=settings.BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: stopping it stops its children too
        )
    return process, log


def stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    for sig, grace in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            continue


def wait_until(ready, *, what: str, processes: dict[str, tuple[subprocess.Popen, Path]]) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        for name, (process, log) in processes.items():
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with {process.returncode} during start-up:\n{tail(log)}")
        if ready():
            return
        time.sleep(0.3)
    logs = "\n".join(f"--- {name}\n{tail(log)}" for name, (_, log) in processes.items())
    raise RuntimeError(f"{what} not ready after {STARTUP_TIMEOUT} s:\n{logs}")


def server_answers(url: str) -> bool:
    """Any HTTP answer counts: the server is up even if the page is an error."""
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except urllib.error.HTTPError:
        return True
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False
