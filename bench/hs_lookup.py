"""The tariff look-up as a trader types into it: p50/p95 of the API and of the form's look-up.

Usage: DATABASE_URL=postgres://…/name .venv/bin/python bench/hs_lookup.py [--repeat 50] [--load]

The database must hold the reference data (`manage.py load_reference_data`, or --load to run
it first). The trader `trader1` of the tests is created when missing. Each query is sent --repeat times
through Django's test client (no network; the view, the search and the rendering), first to
`GET /api/v1/reference/hs-codes/?q=` then to the HTML look-up behind the declaration form,
after a few warm-up requests. Prints the median and the 95th percentile per query, in ms.
"""
import argparse
import logging
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# What a trader types, keystroke by keystroke for "ô tô", then whole words and codes.
QUERIES = ["ô t", "ô tô", "o to cho nguoi", "xe", "8703", "870323", "máy tính xách tay", "laptop", "lop o to",
           "thịt bò", "sedan 2000"]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--load", action="store_true", help="run load_reference_data first")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "customs_portal.settings.test")

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    from tests.factories import trader1_create

    setup_test_environment()
    logging.disable(logging.CRITICAL)  # the login's audit lines
    if args.load:
        call_command("load_reference_data", verbosity=0)
    trader = get_user_model().objects.filter(username="trader1").first() or trader1_create()
    clients = {"api": Client(HTTP_ACCEPT_LANGUAGE="vi"), "html": Client(HTTP_ACCEPT_LANGUAGE="vi")}
    for client in clients.values():
        client.force_login(trader)
    paths = {"api": "/api/v1/reference/hs-codes/", "html": "/declarations/hs-lookup/"}

    print(f"{'query':<22} {'API p50':>8} {'API p95':>8} {'page p50':>9} {'page p95':>9}  results (API)")
    for query in QUERIES:
        row = [f"{query!r:<22}"]
        count = "?"
        for name in ("api", "html"):
            client, path = clients[name], paths[name]
            for _ in range(3):
                client.get(path, {"q": query})
            times = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                response = client.get(path, {"q": query})
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, response.status_code
            if name == "api":
                body = response.json()
                count = len(body["results"] if isinstance(body, dict) else body)
            row.append(f"{statistics.median(times):>8.1f} {percentile(times, 0.95):>8.1f}")
        print(" ".join(row), f" {count}")


if __name__ == "__main__":
    main()
