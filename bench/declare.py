"""Create and submit 10-item declarations through the HTTP API of a running portal.

Usage: .venv/bin/python bench/declare.py [--base-url http://127.0.0.1:8000] [-n 200] [-c 4]
Prints declarations per second (create + submit) and p50/p95/p99 latency of each call.
Needs the demo data (trader1/demo12345).
"""
import argparse
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import declaration_body, describe, token


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("-n", type=int, default=200, help="declarations")
    parser.add_argument("-c", type=int, default=4, help="concurrent clients")
    parser.add_argument("--items", type=int, default=10)
    args = parser.parse_args()

    headers = {"Authorization": f"Token {token(args.base_url, 'trader1')}"}
    body = declaration_body(args.items)
    creates, submits, errors = [], [], []
    lock = threading.Lock()
    local = threading.local()

    def client() -> httpx.Client:
        if not hasattr(local, "client"):
            local.client = httpx.Client(base_url=args.base_url, headers=headers, timeout=60)
        return local.client

    def one(_):
        http = client()
        started = time.perf_counter()
        created = http.post("/api/v1/declarations/", json=body)
        middle = time.perf_counter()
        if created.status_code != 201:
            with lock:
                errors.append(f"create {created.status_code}: {created.text[:200]}")
            return
        submitted = http.post(f"/api/v1/declarations/{created.json()['id']}/submit/")
        ended = time.perf_counter()
        with lock:
            creates.append(middle - started)
            if submitted.status_code == 202:
                submits.append(ended - middle)
            else:
                errors.append(f"submit {submitted.status_code}: {submitted.text[:200]}")

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=args.c) as pool:
        list(pool.map(one, range(args.n)))
    elapsed = time.perf_counter() - started
    print(f"{args.n} declarations of {args.items} items, {args.c} clients, {elapsed:.1f} s")
    print(f"throughput: {len(submits) / elapsed:.1f} declarations/s (create + submit)")
    print(describe("create", creates))
    print(describe("submit", submits))
    print(f"errors: {len(errors)}")
    for error in errors[:5]:
        print("  ", error)


if __name__ == "__main__":
    main()
