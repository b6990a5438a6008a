"""Bank callbacks handled per second, signature verification included, against a running portal.

Usage: .venv/bin/python bench/payments.py [--base-url http://127.0.0.1:8000] [-n 200] [-c 8]
       [--secret dev-bank-callback-secret]

Sets up N pending payments first (not timed): N one-item declarations of trader1, submitted,
and a payment started on each through the API. Then C bank clients send:
1. the N signed success callbacks (each credits a payment and, for a green declaration, clears it);
2. the same N callbacks again (replays: verified, recognised, nothing credited);
3. N callbacks with a wrong signature (refused with 403 before anything is read).
Prints callbacks/s and p50/p95/p99 latency of each round, and checks the answers.
The secret must be the server's BANK_CALLBACK_SECRET (the development default by default).
"""
import argparse
import json
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from common import declaration_body, describe, token

from payments.signing import signature_compute


def setup_payments(base_url: str, n: int, c: int) -> list[dict]:
    trader = httpx.Client(base_url=base_url, headers={"Authorization": f"Token {token(base_url, 'trader1')}"}, timeout=60)

    def one(_):
        created = trader.post("/api/v1/declarations/", json=declaration_body(1))
        created.raise_for_status()
        declaration_id = created.json()["id"]
        trader.post(f"/api/v1/declarations/{declaration_id}/submit/").raise_for_status()
        started = trader.post(f"/api/v1/declarations/{declaration_id}/payments/")
        started.raise_for_status()
        return started.json()

    with ThreadPoolExecutor(max_workers=c) as pool:
        return list(pool.map(one, range(n)))


def fire(base_url: str, bodies: list[bytes], signatures: list[str], c: int) -> tuple[float, list[float], dict]:
    clients = [httpx.Client(base_url=base_url, timeout=60) for _ in range(c)]
    latencies: list[float] = []
    answers: dict = {}

    def send(index):
        client = clients[index % c]
        started = time.perf_counter()
        response = client.post("/api/v1/payments/bank-callback/", content=bodies[index],
                               headers={"Content-Type": "application/json", "X-Bank-Signature": signatures[index]})
        latencies.append(time.perf_counter() - started)
        key = (response.status_code, response.json().get("result") or response.json().get("code"))
        answers[key] = answers.get(key, 0) + 1

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=c) as pool:
        list(pool.map(send, range(len(bodies))))
    elapsed = time.perf_counter() - started
    for client in clients:
        client.close()
    return elapsed, latencies, answers


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("-n", type=int, default=200, help="pending payments to confirm")
    parser.add_argument("-c", type=int, default=8, help="concurrent bank clients")
    parser.add_argument("--secret", default=os.environ.get("BANK_CALLBACK_SECRET", "dev-bank-callback-secret"))
    args = parser.parse_args()

    started = time.perf_counter()
    payments = setup_payments(args.base_url, args.n, args.c)
    print(f"setup: {len(payments)} pending payments in {time.perf_counter() - started:.1f} s")

    bodies = [json.dumps({"reference": p["reference"], "amount": int(p["amount"]), "status": "success",
                          "bank_transaction_id": f"BENCH{time.time_ns()}{i:06d}"}).encode() for i, p in enumerate(payments)]
    good = [signature_compute(body=body, secret=args.secret) for body in bodies]
    rounds = [
        ("credit", bodies, good, {(200, "credited")}),
        ("replay", bodies, good, {(200, "already_credited")}),
        ("bad signature", bodies, ["0" * 64] * len(bodies), {(403, "bad_signature")}),
    ]
    for name, round_bodies, signatures, expected in rounds:
        elapsed, latencies, answers = fire(args.base_url, round_bodies, signatures, args.c)
        ok = set(answers) <= expected
        print(f"{name:<14} {len(round_bodies) / elapsed:8.1f} callbacks/s  "
              f"{describe('latency', latencies)}  answers {answers}{'' if ok else '  UNEXPECTED'}")


if __name__ == "__main__":
    main()
