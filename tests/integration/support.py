"""Helpers of the integration tests: workers, API clients, direct SQL on the portal's database."""
import sys
import time
from pathlib import Path

import httpx
import psycopg2

from tests.processes import spawn, wait_until


def _worker(env, log_dir: Path, name: str, *extra: str):
    return spawn(name, [sys.executable, "-m", "celery", "-A", "customs_portal", "worker", "-l", "info",
                        "-Q", "default,risk,payments,batch", "--concurrency", "2", "-P", "prefork", "-n", f"{name}@%h",
                        "--without-gossip", "--without-mingle", *extra], env=env, log_dir=log_dir)


def start_worker(portal, name, *extra):
    worker = _worker(portal["env"], portal["log_dir"], name, *extra)
    portal["processes"].append(worker)
    wait_until(lambda: " ready." in worker[1].read_text(errors="replace"), what=name, processes={name: worker})
    return worker


def trader_client(portal) -> httpx.Client:
    return client_for(portal, "trader1")


def query(portal, sql, params=()):
    connection = psycopg2.connect(portal["database_url"])
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    finally:
        connection.close()


def wait_for(condition, *, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")




def ensure_worker(portal):
    """A running worker: the one left by an earlier test, or a new one."""
    for process, log in portal["processes"]:
        if log.name.startswith("worker") and process.poll() is None:
            return process, log
    return start_worker(portal, f"worker{len(portal['processes'])}")


def client_for(portal, username: str) -> httpx.Client:
    token = httpx.post(f"{portal['base_url']}/api/v1/auth/token/", json={"username": username, "password": "demo12345"}).json()["token"]
    return httpx.Client(base_url=portal["base_url"], headers={"Authorization": f"Token {token}"}, timeout=60)
