"""Browser tests against a real portal: uvicorn, a Celery worker, PostgreSQL, Redis, Chromium.

`live_portal` builds its own database (`customs_portal_e2e`) with the reference data and
the demo accounts, collects the static files, and starts the ASGI server and a worker as
subprocesses. It does not use pytest-django's test database: a browser test commits
through a separate server process, which the rolled-back test transaction cannot see.
"""
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg2
import pytest
import redis
from django.conf import settings
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
E2E_REDIS_URL = "redis://127.0.0.1:6379/10"
STARTUP_TIMEOUT = 90  # seconds, for the server to answer and the worker to report ready
COMMAND_TIMEOUT = 1800  # seconds, for one setup command (the reference data is large)


def _e2e_database_name() -> str:
    """One database per xdist worker, so parallel runs don't drop each other's database."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return f"customs_portal_e2e_{worker}" if worker else "customs_portal_e2e"


def _database_urls(name: str) -> tuple[str, str]:
    """(URL of the e2e database, URL of the maintenance database) on the test server."""
    base = urlsplit(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/customs_portal_test"))
    return urlunsplit(base._replace(path=f"/{name}")), urlunsplit(base._replace(path="/postgres"))


def _database_recreate(*, maintenance_url: str, name: str) -> None:
    connection = psycopg2.connect(maintenance_url)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{name}"')
    finally:
        connection.close()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _tail(path: Path, lines: int = 60) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return "(no output)"


def _manage(*args: str, env: dict, log_dir: Path) -> None:
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
        raise RuntimeError(f"manage.py {' '.join(args)} failed ({result.returncode}):\n{_tail(log)}")


def _spawn(name: str, command: list[str], *, env: dict, log_dir: Path) -> tuple[subprocess.Popen, Path]:
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


def _stop(process: subprocess.Popen) -> None:
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


def _wait_until(ready, *, what: str, processes: dict[str, tuple[subprocess.Popen, Path]]) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        for name, (process, log) in processes.items():
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with {process.returncode} during start-up:\n{_tail(log)}")
        if ready():
            return
        time.sleep(0.3)
    logs = "\n".join(f"--- {name}\n{_tail(log)}" for name, (_, log) in processes.items())
    raise RuntimeError(f"{what} not ready after {STARTUP_TIMEOUT} s:\n{logs}")


def _server_answers(url: str) -> bool:
    """Any HTTP answer counts: the server is up even if the page is an error."""
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except urllib.error.HTTPError:
        return True
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


@pytest.fixture(scope="session")
def live_portal_env(tmp_path_factory) -> dict:
    """The environment of every live-portal process (and of `live_portal_manage`)."""
    run_dir = tmp_path_factory.mktemp("live_portal")
    database_url, _ = _database_urls(_e2e_database_name())
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "customs_portal.settings.test",
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "REDIS_URL": E2E_REDIS_URL,
        "CELERY_BROKER_URL": E2E_REDIS_URL,
        "CHANNEL_LAYER_URL": E2E_REDIS_URL,
        "STATIC_ROOT": str(run_dir / "static"),
        "MEDIA_ROOT": str(run_dir / "media"),
        "PYTHONUNBUFFERED": "1",
        "LIVE_PORTAL_LOG_DIR": str(run_dir),
    }


@pytest.fixture(scope="session")
def live_portal(live_portal_env) -> Iterator[str]:
    """Base URL (http://127.0.0.1:PORT) of a portal served by uvicorn with a Celery worker beside it."""
    env = live_portal_env
    log_dir = Path(env["LIVE_PORTAL_LOG_DIR"])
    name = _e2e_database_name()
    _, maintenance_url = _database_urls(name)

    _database_recreate(maintenance_url=maintenance_url, name=name)
    redis.Redis.from_url(E2E_REDIS_URL).flushdb()  # no tasks left over from an earlier run
    _manage("migrate", "--noinput", env=env, log_dir=log_dir)
    _manage("load_reference_data", env=env, log_dir=log_dir)
    _manage("seed_demo", "--force", env=env, log_dir=log_dir)
    _manage("collectstatic", "--noinput", env=env, log_dir=log_dir)

    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    processes: dict[str, tuple[subprocess.Popen, Path]] = {}
    try:
        processes["uvicorn"] = _spawn(
            "uvicorn",
            [sys.executable, "-m", "uvicorn", "customs_portal.asgi:application",
             "--host", "127.0.0.1", "--port", str(port), "--lifespan", "off"],
            env=env,
            log_dir=log_dir,
        )
        processes["celery"] = _spawn(
            "celery",
            [sys.executable, "-m", "celery", "-A", "customs_portal", "worker", "-l", "info",
             "-Q", "default,risk,payments", "--concurrency", "2", "-P", "prefork",
             "-n", f"e2e-{os.getpid()}@%h", "--without-gossip", "--without-mingle"],
            env=env,
            log_dir=log_dir,
        )
        _wait_until(lambda: _server_answers(f"{base_url}/accounts/login/"), what="uvicorn", processes=processes)
        celery_log = processes["celery"][1]
        _wait_until(lambda: " ready." in celery_log.read_text(errors="replace"), what="celery", processes=processes)
        yield base_url
    finally:
        for process, _ in processes.values():
            _stop(process)


@pytest.fixture(scope="session")
def live_portal_manage(live_portal, live_portal_env):
    """`live_portal_manage("command", "arg", ...)`: run a management command against the live portal's database."""

    def manage(*args: str) -> None:
        _manage(*args, env=live_portal_env, log_dir=Path(live_portal_env["LIVE_PORTAL_LOG_DIR"]))

    return manage


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, driven by Playwright (which never downloads a browser here)."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(live_portal, browser):
    """A fresh page in a fresh context (English, no cookies) whose relative URLs go to the live portal."""
    context = browser.new_context(locale="en-US", base_url=live_portal)
    try:
        yield context.new_page()
    finally:
        context.close()
