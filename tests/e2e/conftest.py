"""Browser tests against a real portal: uvicorn, a Celery worker, PostgreSQL, Redis, Chromium.

`live_portal` builds its own database (`customs_portal_e2e`) with the reference data and
the demo accounts, collects the static files, and starts the ASGI server and a worker as
subprocesses. It does not use pytest-django's test database: a browser test commits
through a separate server process, which the rolled-back test transaction cannot see.
"""
import os
import subprocess
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from playwright.sync_api import sync_playwright

from tests.processes import (
    database_urls,
    free_port,
    manage,
    portal_database_create,
    server_answers,
    spawn,
    stop,
    wait_until,
)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
# A Redis database per xdist worker (as for PostgreSQL), so parallel runs don't take each other's tasks.
# E2E_REDIS_URL and E2E_DATABASE_NAME in the environment override both (several checkouts on one machine).
E2E_REDIS_URL = os.environ.get("E2E_REDIS_URL") or "redis://127.0.0.1:6379/" + (
    str(2 + zlib.crc32(os.environ["PYTEST_XDIST_WORKER"].encode()) % 6) if os.environ.get("PYTEST_XDIST_WORKER") else "10"
)


def _e2e_database_name() -> str:
    """One database per xdist worker, so parallel runs don't drop each other's database."""
    base = os.environ.get("E2E_DATABASE_NAME", "customs_portal_e2e")
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return f"{base}_{worker}" if worker else base


@pytest.fixture(scope="session")
def live_portal_env(tmp_path_factory) -> dict:
    """The environment of every live-portal process (and of `live_portal_manage`)."""
    run_dir = tmp_path_factory.mktemp("live_portal")
    database_url, _ = database_urls(_e2e_database_name())
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
    # A copy of the run's template database: migrations, reference data, demo accounts.
    portal_database_create(_e2e_database_name(), env=env, log_dir=log_dir)
    redis.Redis.from_url(E2E_REDIS_URL).flushdb()  # no tasks left over from an earlier run
    # The journeys assess several declarations of one compliance class in one database; the caps per
    # class (tested in tests/risk/test_selectivity_caps.py) would turn the later score-based selections
    # green. The portal under test runs without caps; random selection is turned off per test module.
    manage("shell", "-c", "from tests.factories import class_caps_off; class_caps_off()", env=env, log_dir=log_dir)
    manage("collectstatic", "--noinput", env=env, log_dir=log_dir)

    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    processes: dict[str, tuple[subprocess.Popen, Path]] = {}
    try:
        processes["uvicorn"] = spawn(
            "uvicorn",
            [sys.executable, "-m", "uvicorn", "customs_portal.asgi:application",
             "--host", "127.0.0.1", "--port", str(port), "--lifespan", "off"],
            env={**env, "DB_POOL": "true"},  # the web server pools its connections, as in production
            log_dir=log_dir,
        )
        processes["celery"] = spawn(
            "celery",
            [sys.executable, "-m", "celery", "-A", "customs_portal", "worker", "-l", "info",
             "-Q", "default,risk,payments,batch", "--concurrency", "2", "-P", "prefork",
             "-n", f"e2e-{os.getpid()}@%h", "--without-gossip", "--without-mingle"],
            env=env,
            log_dir=log_dir,
        )
        wait_until(lambda: server_answers(f"{base_url}/accounts/login/"), what="uvicorn", processes=processes)
        celery_log = processes["celery"][1]
        wait_until(lambda: " ready." in celery_log.read_text(errors="replace"), what="celery", processes=processes)
        yield base_url
    finally:
        for process, _ in processes.values():
            stop(process)


@pytest.fixture(scope="session")
def live_portal_manage(live_portal, live_portal_env):
    """`live_portal_manage("command", "arg", ...)`: run a management command against the live portal's database."""

    def run(*args: str) -> None:
        manage(*args, env=live_portal_env, log_dir=Path(live_portal_env["LIVE_PORTAL_LOG_DIR"]))

    return run


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
    """A fresh page in a fresh context (English, no cookies) whose relative URLs go to the live portal.

    A Content Security Policy violation or an uncaught script error on any page fails the test.
    """
    context = browser.new_context(locale="en-US", base_url=live_portal)
    problems: list[str] = []
    context.on("weberror", lambda error: problems.append(f"uncaught: {error.error}"))
    context.on("console", lambda message: problems.append(f"console: {message.text}")
               if message.type == "error" and "Content Security Policy" in message.text else None)
    try:
        yield context.new_page()
    finally:
        context.close()
    assert not problems, "\n".join(problems)
