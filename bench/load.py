"""Load benchmark: traders create and submit 10-item declarations at a rising rate while
others read lists and details, against the portal run as in production.

By default it starts the portal itself on a database of its own (customs_portal_load):
uvicorn with the production settings and several workers, Celery worker(s) with beat,
PostgreSQL and Redis of this machine. With --base-url it uses a portal already running
(demo data needed). Per step it prints: declarations/s completed end to end (create →
submit → channel assigned), p50/p95/p99 of create, submit and submit→channel, errors; at
the end the highest rate held with p95 submit→channel under 2 s and no errors. It also runs
pgbench (a simple insert transaction) and prints the ratio of declarations/s to its tps.

Usage: .venv/bin/python bench/load.py [--steps 30,40,50,60,70] [--step-seconds 20]
       [--web-workers 2] [--worker-pool solo] [--worker-concurrency 1] [--readers 10] [--with-model]
Defaults are what held the most on a 2-core machine: one uvicorn worker per core, one Celery
worker process that runs its tasks itself (solo pool: no hand-over to a child process); a
prefork worker with 2 children, or 3 uvicorn workers, held about 50 and 40/s against 64/s.
Before the steps, --warmup-seconds of unreported load let the fresh processes import,
compile their queries and connect.
Submit→channel latency is the server's assessed_at − registered_at of each declaration.
Readers (--readers, each a list then a detail, then half a second's pause) run throughout;
reads/s is what they achieved in the step.
"""
import argparse
import asyncio
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import aiohttp
import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from common import declaration_body, percentile  # noqa: E402

PYTHON = sys.executable
TRADERS = 8


def run(command, env, **kwargs):
    return subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **kwargs)


class Portal:
    """The portal as in production: uvicorn with N workers, Celery worker(s) with beat."""

    def __init__(self, args):
        self.args = args
        self.processes = []
        self.port = args.port
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_dir = Path(tempfile.mkdtemp(prefix="load-"))
        database = "customs_portal_load"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "customs_portal.settings.production",
            "SECRET_KEY": "load-benchmark-secret-key-" + "x" * 40,
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "BANK_CALLBACK_SECRET": "load-bench",
            "SECURE_SSL_REDIRECT": "false",
            "STAFF_SECOND_FACTOR_REQUIRED": "false",
            "REDIS_URL": "redis://127.0.0.1:6379/12",
            "API_RATE_PER_TOKEN": "100000/min",
            "STATIC_ROOT": str(self.log_dir / "static"),
            "MEDIA_ROOT": str(self.log_dir / "media"),
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
        self.database = database

    def start(self):
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)'], check=True)
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f'CREATE DATABASE "{self.database}"'], check=True)
        subprocess.run(["redis-cli", "-n", "12", "flushdb"], check=True, stdout=subprocess.DEVNULL)
        for command in (["migrate", "--noinput"], ["load_reference_data"], ["seed_demo", "--force"], ["collectstatic", "--noinput"]):
            run([PYTHON, "manage.py", *command], self.env)
        setup = (
            "from customs_portal.accounts.models import User, Role, Enterprise\n"
            "from risk.models import RiskSettings\n"
            "e = Enterprise.objects.get(tax_code='0109876500')\n"
            f"for i in range({TRADERS}):\n"
            "    u, _ = User.objects.get_or_create(username=f'loadtrader{i}', defaults={'role': Role.TRADER, 'enterprise': e})\n"
            "    u.set_password('demo12345'); u.save()\n"
        )
        run([PYTHON, "manage.py", "shell", "-c", setup], self.env)
        if self.args.with_model:
            # The learned model active (issue 16): every assessment scores its items and explains the score.
            run([PYTHON, "manage.py", "import_history", "risk/history_data/kcs/df_syn_train_eng.csv"], self.env)
            run([PYTHON, "manage.py", "risk_model", "train", "--activate"], self.env)
        self._spawn("uvicorn", [PYTHON, "-m", "uvicorn", "customs_portal.asgi:application", "--host", "127.0.0.1",
                                "--port", str(self.port), "--workers", str(self.args.web_workers), "--lifespan", "off",
                                "--limit-concurrency", str(self.args.limit_concurrency),
                                "--no-access-log", "--no-proxy-headers"])
        self._spawn("celery", [PYTHON, "-m", "celery", "-A", "customs_portal", "worker", "-B", "-s",
                               str(self.log_dir / "beat"), "-l", "warning", "-Q", "default,risk,payments,batch",
                               "--concurrency", str(self.args.worker_concurrency), "--prefetch-multiplier", "4",
                               "--pool", self.args.worker_pool,
                               "--without-gossip", "--without-mingle"])
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.base_url}/accounts/login/", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise SystemExit(f"the portal did not start; logs in {self.log_dir}")

    def _spawn(self, name, command):
        log = open(self.log_dir / f"{name}.log", "w")
        if name == "celery":
            env = {**self.env, "DB_CONN_MAX_AGE": "60"}
        else:  # as in production (docker-compose.yml): a pool per web process, as large as its concurrency limit
            env = {**self.env, "DB_POOL": "true", "DB_POOL_SIZE": "8",
                   "DB_POOL_MAX_OVERFLOW": str(max(self.args.limit_concurrency - 8, 0))}
        self.processes.append(subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                               start_new_session=True))

    def stop(self):
        for process in self.processes:
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=15)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass


async def call(client, method, url, **kwargs):
    """(status, JSON body or None). The client is aiohttp: several times less CPU per request than
    httpx, and the load generator shares the cores with the portal."""
    async with client.request(method, url, **kwargs) as response:
        if response.content_type == "application/json":
            return response.status, await response.json()
        await response.read()
        return response.status, None


async def token(client, username):
    status, body = await call(client, "POST", "/api/v1/auth/token/", json={"username": username, "password": "demo12345"})
    if status != 200:
        raise SystemExit(f"no token for {username}: {status} {body}")
    return body["token"]


async def step(client, traders, reader_tokens, rate, seconds, readers):
    body = declaration_body(10)
    creates, submits, errors, ids, reads = [], [], [], [], []
    stop_reading = asyncio.Event()

    async def one(index):
        headers = {"Authorization": f"Token {traders[index % len(traders)]}"}
        started = time.perf_counter()
        try:
            status, created = await call(client, "POST", "/api/v1/declarations/", json=body, headers=headers)
            middle = time.perf_counter()
            if status != 201:
                errors.append(f"create {status}")
                return
            status, _ = await call(client, "POST", f"/api/v1/declarations/{created['id']}/submit/", headers=headers)
            ended = time.perf_counter()
            if status != 202:
                errors.append(f"submit {status}")
                return
            creates.append(middle - started)
            submits.append(ended - middle)
            ids.append(created["id"])
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            errors.append(type(exc).__name__)

    async def reader(number):
        headers = {"Authorization": f"Token {reader_tokens[number % len(reader_tokens)]}"}
        while not stop_reading.is_set():
            try:
                status, listing = await call(client, "GET", "/api/v1/declarations/", headers=headers)
                reads.append(1)
                if status != 200:
                    errors.append(f"list {status}")
                elif listing["results"]:
                    some = random.choice(listing["results"])["id"]
                    status, _ = await call(client, "GET", f"/api/v1/declarations/{some}/", headers=headers)
                    reads.append(1)
                    if status != 200:
                        errors.append(f"detail {status}")
            except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
                errors.append(type(exc).__name__)
            await asyncio.sleep(0.5)

    reading = [asyncio.create_task(reader(n)) for n in range(readers)]
    wall_started = time.time()
    started = time.perf_counter()
    tasks = []
    count = int(rate * seconds)
    for index in range(count):
        delay = started + index / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(index)))
    await asyncio.gather(*tasks)
    stop_reading.set()
    await asyncio.gather(*reading)
    reads_per_s = len(reads) / (time.perf_counter() - started)
    return creates, submits, errors, ids, wall_started, reads_per_s


async def channel_latencies(client, officer, ids, timeout=60):
    """Wait until every declaration has a channel; return (latencies, assessment times, unassessed).

    The latest submissions are assessed last: while one of the 20 latest pending is unassessed
    it waits, so the wait adds little load to a worker still catching up."""
    headers = {"Authorization": f"Token {officer}"}
    pending, results = set(ids), {}
    deadline = time.monotonic() + timeout
    while pending and time.monotonic() < deadline:
        probe = sorted(pending)[-20:]
        for declaration_id in probe:
            _, data = await call(client, "GET", f"/api/v1/declarations/{declaration_id}/", headers=headers)
            if data and data.get("assessed_at"):
                results[declaration_id] = data
                pending.discard(declaration_id)
        if pending.intersection(probe):
            await asyncio.sleep(0.5)
    latencies = [(datetime.fromisoformat(d["assessed_at"]) - datetime.fromisoformat(d["registered_at"])).total_seconds()
                 for d in results.values()]
    ends = [datetime.fromisoformat(d["assessed_at"]).timestamp() for d in results.values()]
    return latencies, ends, len(pending)


def pgbench_tps(seconds: int) -> float:
    if not shutil.which("pgbench"):
        return float("nan")
    env = {**os.environ, "PGHOST": "127.0.0.1", "PGUSER": "postgres"}
    subprocess.run(["psql", "-qc", "DROP DATABASE IF EXISTS pgbench_load WITH (FORCE)"], env=env, check=True)
    subprocess.run(["psql", "-qc", "CREATE DATABASE pgbench_load"], env=env, check=True)
    subprocess.run(["psql", "-d", "pgbench_load", "-qc", "CREATE TABLE t (id bigserial PRIMARY KEY, v text, at timestamptz DEFAULT now())"],
                   env=env, check=True)
    script = Path(tempfile.mkstemp(suffix=".sql")[1])
    script.write_text("INSERT INTO t (v) VALUES ('declaration');\n")
    output = subprocess.run(["pgbench", "-n", "-c", "4", "-j", "2", "-T", str(seconds), "-f", str(script), "pgbench_load"],
                            env=env, check=True, capture_output=True, text=True).stdout
    subprocess.run(["psql", "-qc", "DROP DATABASE IF EXISTS pgbench_load WITH (FORCE)"], env=env, check=True)
    match = re.search(r"tps = ([\d.]+)", output)
    return float(match.group(1)) if match else float("nan")


async def main_async(args, base_url):
    connector = aiohttp.TCPConnector(limit=200)
    async with aiohttp.ClientSession(base_url=base_url, connector=connector, timeout=aiohttp.ClientTimeout(total=60)) as client:
        names = [f"loadtrader{i}" for i in range(TRADERS)] if args.start else ["trader1"]
        traders = [await token(client, name) for name in names]
        officer = await token(client, "officer1")
        readers = [await token(client, "trader1"), officer]
        if args.warmup_seconds:  # fresh processes: first requests import, compile and connect
            *_, warm_ids, _, _ = await step(client, traders, readers, min(args.steps[0], 10), args.warmup_seconds, args.readers)
            await channel_latencies(client, officer, warm_ids)
        best = 0.0
        print(f"{'rate':>6} {'done/s':>7} {'create p50/p95/p99 ms':>24} {'submit p50/p95/p99 ms':>24} "
              f"{'→channel p50/p95/p99 ms':>26} {'reads/s':>7} {'errors':>6}")
        for rate in args.steps:
            creates, submits, errors, ids, started, reads_per_s = await step(client, traders, readers, rate, args.step_seconds, args.readers)
            latencies, ends, unassessed = await channel_latencies(client, officer, ids)
            # Completed end to end: assessed declarations over the time from the step's start to the last assessment.
            done_per_s = len(latencies) / max(max(ends, default=started) - started, args.step_seconds) if latencies else 0.0
            if unassessed:
                errors.append(f"{unassessed} unassessed")

            def fmt(values):
                ms = [v * 1000 for v in values]
                return f"{percentile(ms, 50):6.0f}/{percentile(ms, 95):6.0f}/{percentile(ms, 99):6.0f}"

            print(f"{rate:>6} {done_per_s:7.1f} {fmt(creates):>24} {fmt(submits):>24} {fmt(latencies):>26} {reads_per_s:7.1f} {len(errors):>6}"
                  + (f"  {sorted(set(errors))[:3]}" if errors else ""), flush=True)
            if not errors and latencies and percentile(latencies, 95) < 2.0:
                best = max(best, done_per_s)
        return best


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base-url", help="use a running portal instead of starting one")
    parser.add_argument("--steps", default="30,40,50,60,70", type=lambda s: [float(x) for x in s.split(",")])
    parser.add_argument("--step-seconds", type=float, default=20)
    parser.add_argument("--warmup-seconds", type=float, default=10, help="unreported load at up to 10/s first")
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--worker-concurrency", type=int, default=1)
    parser.add_argument("--worker-pool", default="solo", choices=["prefork", "threads", "solo"])
    parser.add_argument("--readers", type=int, default=10)
    parser.add_argument("--port", type=int, default=8321)
    parser.add_argument("--limit-concurrency", type=int, default=25, help="per web worker (uvicorn); excess gets 503")
    parser.add_argument("--with-model", action="store_true",
                        help="import the KCS history, train and activate the learned risk model first")
    parser.add_argument("--pgbench-seconds", type=int, default=15)
    args = parser.parse_args()
    args.start = not args.base_url
    portal = Portal(args) if args.start else None
    try:
        if portal:
            portal.start()
            print(f"portal: uvicorn --workers {args.web_workers}, celery --pool {args.worker_pool} --concurrency {args.worker_concurrency} (logs {portal.log_dir})")
        best = asyncio.run(main_async(args, args.base_url or portal.base_url))
    finally:
        if portal:
            portal.stop()
    tps = pgbench_tps(args.pgbench_seconds)
    print(f"highest rate held with p95 submit→channel < 2 s and no errors: {best:.1f} declarations/s")
    print(f"pgbench (simple insert, 4 clients): {tps:.0f} tps; ratio declarations/s ÷ pgbench tps = {best / tps:.4f}")


if __name__ == "__main__":
    main()
