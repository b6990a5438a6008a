"""CPU cost per operation, by process: where the time of a declaration goes.

Starts the portal as bench/load.py does (production settings, uvicorn, a Celery worker, on the
database customs_portal_load), then runs one operation at a time and divides the CPU time each
group of processes used (read from /proc) by the number of operations:

- `declaration`: create a 10-item declaration and submit it (its assessment runs on the worker);
- `read`: the first page of the declaration list, then one declaration;
- `trivial`: an API request that does almost nothing (the Incoterms list): the fixed cost of a request.

Usage: .venv/bin/python bench/cpu_cost.py [--operation declaration|read|trivial] [-n 200] [--web-workers 1]
"""
import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import declaration_body
from load import Portal

TICKS = os.sysconf("SC_CLK_TCK")
GROUPS = {"web": "uvicorn customs_portal", "celery": "celery -A customs_portal", "postgres": "postgres", "redis": "redis-server"}


def pids(pattern: str) -> set[int]:
    found = subprocess.run(["pgrep", "-f", pattern], capture_output=True, text=True).stdout.split()
    return {int(pid) for pid in found}


def cpu_seconds(pid: int) -> float:
    """User + system time of a process and of its children that have ended."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0
    return sum(int(value) for value in fields[11:15]) / TICKS


def machine_busy_seconds() -> float:
    values = [int(value) for value in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return (sum(values) - values[3] - values[4]) / TICKS


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--operation", choices=["declaration", "read", "trivial"], default="declaration")
    parser.add_argument("-n", type=int, default=200)
    parser.add_argument("--web-workers", type=int, default=1)
    parser.add_argument("--worker-concurrency", type=int, default=1)
    parser.add_argument("--worker-pool", default="solo", choices=["prefork", "threads", "solo"])
    parser.add_argument("--port", type=int, default=8321)
    args = parser.parse_args()
    args.limit_concurrency = 100
    args.with_model = False  # Portal (bench/load.py) asks; the learned model is measured by bench/load.py --with-model
    portal = Portal(args)
    portal.start()
    try:
        client = httpx.Client(base_url=portal.base_url, timeout=30)
        token = client.post("/api/v1/auth/token/", json={"username": "loadtrader0", "password": "demo12345"}).json()["token"]
        headers = {"Authorization": f"Token {token}"}
        body = declaration_body(10)

        def operation():
            if args.operation == "declaration":
                created = client.post("/api/v1/declarations/", json=body, headers=headers)
                assert created.status_code == 201, created.text
                submitted = client.post(f"/api/v1/declarations/{created.json()['id']}/submit/", headers=headers)
                assert submitted.status_code == 202, submitted.text
            elif args.operation == "read":
                page = client.get("/api/v1/declarations/", headers=headers)
                assert page.status_code == 200, page.text
                if page.json()["results"]:
                    one = client.get(f"/api/v1/declarations/{page.json()['results'][0]['id']}/", headers=headers)
                    assert one.status_code == 200, one.text
            else:
                assert client.get("/api/v1/reference/incoterms/", headers=headers).status_code == 200

        for _ in range(30):  # warm up, and give the read operation something to list
            client.post("/api/v1/declarations/", json=body, headers=headers)
            operation()
        time.sleep(3)  # let the worker finish
        processes = {name: pids(pattern) for name, pattern in GROUPS.items()}
        before = {name: sum(cpu_seconds(pid) for pid in found) for name, found in processes.items()}
        machine_before = machine_busy_seconds()
        own = resource.getrusage(resource.RUSAGE_SELF)
        started = time.perf_counter()
        for _ in range(args.n):
            operation()
        wall = time.perf_counter() - started
        time.sleep(3)
        # PostgreSQL's backends may have come and gone: count the new ones too (ended ones are lost).
        processes = {name: found | pids(GROUPS[name]) for name, found in processes.items()}
        after = {name: sum(cpu_seconds(pid) for pid in found) for name, found in processes.items()}
        mine = resource.getrusage(resource.RUSAGE_SELF)
        machine = machine_busy_seconds() - machine_before
        print(f"{args.operation}: {args.n} one at a time, {wall / args.n * 1000:.1f} ms each")
        for name in GROUPS:
            print(f"  {name:9s} {(after[name] - before[name]) / args.n * 1000:6.1f} ms CPU each")
        client_cpu = (mine.ru_utime + mine.ru_stime) - (own.ru_utime + own.ru_stime)
        print(f"  {'client':9s} {client_cpu / args.n * 1000:6.1f} ms CPU each")
        print(f"  {'machine':9s} {machine / args.n * 1000:6.1f} ms CPU each (everything, 3 s of idle tail included)")
    finally:
        portal.stop()


if __name__ == "__main__":
    main()
