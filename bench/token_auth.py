"""The cost of token authentication: N authenticated GETs of /api/v1/declarations/?page_size=1 through
the whole Django stack (middleware, throttling, the view), in this process with Django's test client.

It makes a database of its own (dropped at the end), a trader and a token obtained from the
token endpoint, then times the requests and counts their queries. Figures: docs/operations.md.

Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/<yours> .venv/bin/python bench/token_auth.py [-n 2000]
(the database named in DATABASE_URL is not touched: the benchmark's is test_<its name>).
"""
import argparse
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "customs_portal.settings.test")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, RequestFactory  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from rest_framework.settings import api_settings  # noqa: E402

from customs_portal.accounts.models import Enterprise, Role, User  # noqa: E402

URL = "/api/v1/declarations/?page_size=1"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    # One connection kept, as the web server's pool keeps them: what is timed is the request, not connecting.
    settings.DATABASES["default"]["CONN_MAX_AGE"] = 600
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        enterprise = Enterprise.objects.create(tax_code="0109876500", name="Bench", established_on=date(2015, 3, 12))
        User.objects.create_user("benchtrader", password="bench-pass-1", role=Role.TRADER, enterprise=enterprise)
        client = Client()
        token = client.post("/api/v1/auth/token/", {"username": "benchtrader", "password": "bench-pass-1"},
                            content_type="application/json").json()["token"]
        headers = {"HTTP_AUTHORIZATION": f"Token {token}"}
        for _ in range(50):  # warm-up: compiled queries, translations, the connection
            assert client.get(URL, **headers).status_code == 200
        queries = []

        def record(execute, sql, params, many, context):
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(record):
            client.get(URL, **headers)
        requests = rounds(args, lambda: client.get(URL, **headers))
        authenticator = api_settings.DEFAULT_AUTHENTICATION_CLASSES[0]()
        request = RequestFactory().get(URL, **headers)
        authentications = rounds(args, lambda: authenticator.authenticate(request))
        print(f"{args.n} GET {URL}, {args.rounds} rounds, ms per request: {requests}")
        print(f"{args.n} {authenticator.__class__.__module__}.{authenticator.__class__.__name__}.authenticate,"
              f" ms per call: {authentications}")
        print(f"{len(queries)} queries per request:")
        for query in queries:
            print("  ", query[:200])
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def rounds(args, call) -> str:
    """Median wall and CPU time (this process) per call over the rounds."""
    wall, cpu = [], []
    for _ in range(args.rounds):
        started, started_cpu = time.perf_counter(), time.process_time()
        for _ in range(args.n):
            call()
        wall.append((time.perf_counter() - started) / args.n * 1000)
        cpu.append((time.process_time() - started_cpu) / args.n * 1000)
    rounds_wall = ", ".join(f"{t:.3f}" for t in wall)
    return f"wall {statistics.median(wall):.3f} (rounds {rounds_wall}), cpu {statistics.median(cpu):.3f}"


if __name__ == "__main__":
    main()
