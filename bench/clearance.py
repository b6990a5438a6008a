"""Submit → channel latency of the automated clearance, against a running portal with a worker.

Usage: .venv/bin/python bench/clearance.py [--base-url http://127.0.0.1:8000] [-n 200] [-c 4]
Creates N 10-item drafts first (not timed), then submits them with C clients and waits
until every one has a channel. Latency per declaration is the server's assessed_at minus
its registered_at (both stamped by the portal), so polling does not blur it. Prints
p50/p95/p99 of submit→channel, of the submit call, and the throughput of the clearance
(declarations assessed per second from the first submit to the last assessment).
"""
import argparse
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import declaration_body, describe, token


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("-n", type=int, default=200)
    parser.add_argument("-c", type=int, default=4)
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()

    trader = httpx.Client(base_url=args.base_url, headers={"Authorization": f"Token {token(args.base_url, 'trader1')}"}, timeout=60)
    officer = httpx.Client(base_url=args.base_url, headers={"Authorization": f"Token {token(args.base_url, 'officer1')}"}, timeout=60)
    body = declaration_body(10)
    ids = []
    for _ in range(args.n):
        response = trader.post("/api/v1/declarations/", json=body)
        response.raise_for_status()
        ids.append(response.json()["id"])

    submit_times, errors = [], []

    def submit(declaration_id):
        started = time.perf_counter()
        response = trader.post(f"/api/v1/declarations/{declaration_id}/submit/")
        if response.status_code != 202:
            errors.append(f"{response.status_code} {response.text[:200]}")
        submit_times.append(time.perf_counter() - started)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=args.c) as pool:
        list(pool.map(submit, ids))
    pending = set(ids)
    results = {}
    while pending and time.perf_counter() - started < args.timeout:
        for declaration_id in list(pending):
            data = officer.get(f"/api/v1/declarations/{declaration_id}/").json()
            if data["channel"]:
                results[declaration_id] = data
                pending.discard(declaration_id)
        if pending:
            time.sleep(0.2)
    elapsed = time.perf_counter() - started

    latencies = [
        (datetime.fromisoformat(d["assessed_at"]) - datetime.fromisoformat(d["registered_at"])).total_seconds()
        for d in results.values()
    ]
    channels = {}
    for d in results.values():
        channels[d["channel"]] = channels.get(d["channel"], 0) + 1
    print(f"{args.n} declarations of 10 items submitted by {args.c} clients; assessed {len(results)} in {elapsed:.1f} s")
    print(f"clearance throughput: {len(results) / elapsed:.1f} declarations/s")
    print(describe("submit call", submit_times))
    print(describe("submit→channel", latencies))
    print(f"channels: {channels}  unassessed: {len(pending)}  submit errors: {len(errors)}")


if __name__ == "__main__":
    main()
