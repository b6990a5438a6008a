"""The officers' review queue with 100,000 declarations in the database.

Usage: .venv/bin/python bench/review_queue.py [--database-url postgres://…/name] [-n 100000] [--repeat 7]

Without --database-url it (re)creates the database `customs_portal_bench` on the local server.
Either way it migrates the database, loads the reference data, and inserts N declarations with
PostgreSQL COPY (1–3 goods items each, an assessment with fired rules for every one that got a
channel), spread like a year of a port's traffic: mostly cleared or released, about 10 % waiting
for an officer (7 % yellow under review, 3 % red under inspection), offices and enterprises
skewed. It then times the first page of the queue (median and best of --repeat runs) for an
officer of every office and one of two offices, unfiltered and with each filter:
  - the selector + serializer (`review_queue` → `ReviewQueueEntrySerializer`, with the count),
  - the API `GET /api/v1/review-queue/` and the officer's HTML page, through Django's test client,
and prints PostgreSQL's plan for the page query (EXPLAIN ANALYZE) with whether it uses the
partial index `decl_review_queue` (assessed_at, id WHERE status in review).
"""
import argparse
import contextlib
import csv
import io
import json
import random
import statistics
import sys
import time
from datetime import timedelta
from decimal import Decimal
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from common import database_prepare, django_setup, tax_code  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/customs_portal_bench"
SEED = 20260101
ENTERPRISES = 2000
# status → (share of declarations, channel weights green/yellow/red or None for no channel)
STATUS_MIX = {
    "draft": (0.020, None),
    "registered": (0.005, None),
    "assessed": (0.030, (1, 0, 0)),
    "under_review": (0.070, (0, 1, 0)),
    "under_inspection": (0.030, (0, 0, 1)),
    "cleared": (0.250, (85, 10, 5)),
    "released": (0.570, (85, 10, 5)),
    "cancelled": (0.020, (80, 15, 5)),
    "rejected": (0.005, (0, 60, 40)),
}
GOODS = [  # hs code, description, unit, unit price (USD)
    ("84716030", "Computer keyboards", "PCE", "12.50"),
    ("61091010", "Men's cotton T-shirts", "PCE", "3.00"),
    ("64039990", "Leather footwear", "PR", "18.00"),
    ("73181590", "Steel bolts", "KGM", "2.10"),
    ("84811019", "Pressure-reducing valves", "PCE", "35.00"),
    ("39269099", "Plastic fittings", "KGM", "4.40"),
    ("94036090", "Wooden office furniture", "PCE", "75.00"),
    ("84716040", "Computer mice", "PCE", "4.00"),
    ("42021299", "Suitcases with textile surface", "PCE", "22.00"),
    ("95030099", "Toys", "PCE", "2.75"),
    ("84713020", "Laptop computers", "PCE", "250.00"),
    ("08051010", "Fresh oranges", "KGM", "1.50"),
]
RULES = [  # rule id, name, score, min channel
    (1, "New enterprise", 30, None),
    (2, "Low compliance", 30, None),
    (3, "Specialised management without priority status", 30, "yellow"),
    (4, "Declared price far below the reference price", 40, None),
    (5, "Watchlisted partner", 80, "red"),
    (6, "Tobacco products", 60, "red"),
]
CHANNELS = ("green", "yellow", "red")
FILTERS = [  # label, query parameters (offices and enterprises are filled in once the data exists)
    ("no filter", {}),
    ("channel=red", {"channel": "red"}),
    ("office", {"office": None}),
    ("enterprise tax code", {"enterprise": None}),
    ("enterprise name part", {"enterprise": "Logistics 01"}),
    ("hs_chapter=61", {"hs_chapter": "61"}),
    ("min_wait_minutes=1440", {"min_wait_minutes": 1440}),
    ("all filters", {"channel": "yellow", "office": None, "hs_chapter": "84", "min_wait_minutes": 60}),
]


def copy_rows(table: str, columns: list[str], rows) -> int:
    """COPY rows (tuples in `columns` order; None is NULL) into `table`."""
    from django.db import connection

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    count = 0
    for row in rows:
        writer.writerow(["\\N" if value is None else value for value in row])
        count += 1
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')", buffer)
    return count


def populate(n: int, rng: random.Random) -> dict:
    """Insert the enterprises, users and N declarations with items and assessments; return what the timing needs."""
    from django.db import connection
    from django.utils import timezone

    from customs_portal.accounts.models import ComplianceLevel, Enterprise, Role, User
    from declarations.models import Declaration, GoodsItem
    from reference.models import CustomsOffice, TariffLine
    from risk.models import Assessment

    now = timezone.now()
    levels = [ComplianceLevel.PRIORITY, ComplianceLevel.HIGH, ComplianceLevel.MEDIUM, ComplianceLevel.LOW, ComplianceLevel.NEW]
    start = Enterprise.objects.count()
    enterprises = Enterprise.objects.bulk_create([
        Enterprise(tax_code=tax_code(start + i), name=f"Công ty TNHH Logistics {start + i:05d}",
                   established_on=(now - timedelta(days=rng.randint(30, 7000))).date(),
                   compliance_level=rng.choices(levels, weights=[3, 25, 50, 12, 10])[0])
        for i in range(ENTERPRISES)
    ])
    traders = User.objects.bulk_create([
        User(username=f"bench_trader_{e.tax_code}", role=Role.TRADER, enterprise=e, password="!") for e in enterprises
    ])
    offices = list(CustomsOffice.objects.order_by("code").values_list("code", flat=True))
    office_weights = [1 / (rank + 1) ** 0.9 for rank in range(len(offices))]
    enterprise_weights = [1 / (rank + 1) ** 0.7 for rank in range(len(enterprises))]
    tariff = dict(TariffLine.objects.filter(hs_code__in=[g[0] for g in GOODS]).values_list("hs_code", "id"))
    goods = [g for g in GOODS if g[0] in tariff]

    first_id = (Declaration.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval('declaration_number_seq')")
        (first_number,) = cursor.fetchone()
    statuses = list(STATUS_MIX)
    status_weights = [STATUS_MIX[s][0] for s in statuses]

    declaration_fields = [f for f in Declaration._meta.concrete_fields]
    item_fields = [f for f in GoodsItem._meta.concrete_fields if not f.primary_key]
    assessment_fields = [f for f in Assessment._meta.concrete_fields if not f.primary_key]
    declarations, items, assessments = [], [], []
    for offset in range(n):
        pk = first_id + offset
        status = rng.choices(statuses, weights=status_weights)[0]
        weights = STATUS_MIX[status][1]
        channel = rng.choices(CHANNELS, weights=weights)[0] if weights else None
        index = rng.choices(range(len(enterprises)), weights=enterprise_weights)[0]
        enterprise, trader = enterprises[index], traders[index]
        if status in ("under_review", "under_inspection"):
            assessed_at = now - timedelta(minutes=min(rng.expovariate(1 / 600), 60 * 24 * 30))
        else:
            assessed_at = now - timedelta(days=rng.uniform(0, 365))
        registered_at = assessed_at - timedelta(seconds=rng.uniform(1, 30))
        created_at = registered_at - timedelta(minutes=rng.uniform(1, 600))
        numbered = status != "draft"
        lines = []
        for line_no in range(1, rng.choice((1, 1, 2, 2, 3)) + 1):
            hs_code, description, unit, price = rng.choice(goods)
            quantity = Decimal(rng.randint(1, 500))
            lines.append((line_no, hs_code, description, unit, Decimal(price), quantity, Decimal(price) * quantity))
        total = sum(line[6] for line in lines)
        taxes = (total * Decimal(26000) * Decimal("0.10")).quantize(Decimal(1))
        values = {
            "id": pk, "number": f"10{first_number + offset:010d}" if numbered else None, "version": 1,
            "direction": "import", "type_code": "A11", "status": status, "channel": channel,
            "enterprise": enterprise.pk, "created_by": trader.pk, "customs_office": rng.choices(offices, weights=office_weights)[0],
            "partner_name": f"Supplier {rng.randint(1, 5000)} Co., Ltd", "partner_address": "Shenzhen", "partner_country": "CN",
            "transport_mode": "sea", "bill_of_lading": f"COSU{rng.randint(10**9, 10**10 - 1)}", "vessel_flight": "",
            "port_of_loading": "CNSHK", "port_of_discharge": "VNHPH", "arrival_date": created_at.date(), "departure_date": None,
            "packages": rng.randint(1, 400), "gross_weight_kg": Decimal(rng.randint(10, 20000)),
            "invoice_number": f"INV-{pk}", "invoice_date": created_at.date(), "invoice_currency": "USD", "incoterm": "CIF",
            "invoice_total": total, "freight": 0, "insurance": 0, "exchange_rate": Decimal(26000) if numbered else None,
            "exchange_rate_date": registered_at.date() if numbered else None,
            "import_duty": 0, "export_duty": 0, "special_consumption_tax": 0, "environmental_tax": 0, "vat": taxes,
            "tax_total": taxes, "amount_due": taxes if status in ("registered", "assessed") else 0,
            "payment_status": "unpaid" if status in ("registered", "assessed") else ("paid" if numbered else "not_due"),
            "created_at": created_at, "updated_at": assessed_at, "registered_at": registered_at if numbered else None,
            "assessed_at": assessed_at if channel else None,
            "cleared_at": assessed_at + timedelta(hours=1) if status in ("cleared", "released") else None,
            "released_at": assessed_at + timedelta(hours=5) if status == "released" else None,
        }
        declarations.append(tuple(values[f.name] for f in declaration_fields))
        for line_no, hs_code, description, unit, price, quantity, value in lines:
            item = {"declaration": pk, "line_no": line_no, "hs_code": hs_code, "tariff_line": tariff[hs_code],
                    "description": description, "origin_country": "CN", "quantity": quantity, "unit": unit,
                    "unit_price": price, "line_value": value, "preference": "MFN", "certificate_of_origin": "",
                    "customs_value": value, "taxable_value": value * 26000, "import_duty": 0, "export_duty": 0,
                    "special_consumption_tax": 0, "environmental_tax": 0, "vat": (value * 2600).quantize(Decimal(1)),
                    "rates": "{}"}
            items.append(tuple(item[f.name] for f in item_fields))
        if channel:
            fired = []
            if channel != "green":
                for rule_id, name, score, min_channel in rng.sample(RULES, rng.choice((1, 1, 2))):
                    fired.append({"rule": rule_id, "version": 1, "name": name, "score": score, "min_channel": min_channel,
                                  "reason": [{"field": "enterprise.age_days", "op": "lt", "value": 180,
                                              "actual": rng.randint(1, 179)}]})
            score = sum(rule["score"] for rule in fired)
            assessment = {"declaration": pk, "declaration_version": 1, "score": score,
                          "score_channel": "green" if score < 30 else ("yellow" if score < 70 else "red"), "channel": channel,
                          "fired_rules": json.dumps(fired), "thresholds": json.dumps({"yellow": 30, "red": 70}),
                          "random_draw": f"{rng.random():.8f}", "random_selection": "false", "engine_micros": rng.randint(200, 900),
                          "created_at": assessed_at}
            assessments.append(tuple(assessment[f.name] for f in assessment_fields))

    copy_rows(Declaration._meta.db_table, [f.column for f in declaration_fields], declarations)
    copy_rows(GoodsItem._meta.db_table, [f.column for f in item_fields], items)
    copy_rows(Assessment._meta.db_table, [f.column for f in assessment_fields], assessments)
    with connection.cursor() as cursor:
        cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [Declaration._meta.db_table, first_id + n])
        cursor.execute("SELECT setval('declaration_number_seq', %s)", [first_number + n])
        cursor.execute("ANALYZE")

    officer_all, _ = User.objects.update_or_create(username="bench_officer_all", defaults={"role": Role.OFFICER, "all_offices": True})
    officer_two, _ = User.objects.update_or_create(username="bench_officer_two", defaults={"role": Role.OFFICER, "all_offices": False})
    officer_two.offices.set(offices[2:4])
    busiest = enterprises[0]
    return {"items": len(items), "assessments": len(assessments), "officers": [officer_all, officer_two],
            "office": offices[2], "enterprise": busiest.tax_code}


def selector_page(officer, params: dict):
    """The first page as the API builds it: the count, then 25 rows serialized."""
    from declarations.api.serializers import ReviewQueueEntrySerializer
    from declarations.selectors import review_queue

    queue = review_queue(officer=officer, **params)
    return queue.count(), ReviewQueueEntrySerializer(queue[:25], many=True).data


def timed(function, repeat: int) -> tuple[float, float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=None, help=f"default: a new {DEFAULT_URL}")
    parser.add_argument("-n", type=int, default=100_000, help="declarations to insert")
    parser.add_argument("--repeat", type=int, default=7, help="timed runs of each query")
    args = parser.parse_args()

    url = args.database_url or DEFAULT_URL
    database_prepare(url, recreate=args.database_url is None)
    django_setup(url)

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from rest_framework.test import APIClient

    from declarations.models import Declaration
    from declarations.selectors import review_queue

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    with contextlib.redirect_stdout(io.StringIO()):
        call_command("load_reference_data", verbosity=0)
    print(f"database {urlsplit(url).path.lstrip('/')}: migrated, reference data loaded in {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    facts = populate(args.n, random.Random(SEED))
    total = Declaration.objects.count()
    waiting = Declaration.objects.filter(status__in=("under_review", "under_inspection")).count()
    print(f"inserted {args.n:,} declarations, {facts['items']:,} goods items, {facts['assessments']:,} assessments "
          f"in {time.perf_counter() - started:.1f} s (COPY); {total:,} in the database, {waiting:,} waiting for review\n")

    setup_test_environment()  # lets the test client talk to "testserver"
    for officer in facts["officers"]:
        scope = "every office" if officer.all_offices else f"offices {', '.join(officer.offices.values_list('code', flat=True))}"
        queued = review_queue(officer=officer).count()
        print(f"officer of {scope}: {queued:,} declarations in the queue")
        print(f"  {'filter':<24}{'rows':>8}  {'selector+serializer':>22}  {'API GET':>20}  {'HTML page':>20}  queries")
        api = APIClient()
        api.force_authenticate(officer)
        browser = Client()
        browser.force_login(officer)
        for label, params in FILTERS:
            params = {key: (facts[key] if value is None and key in facts else value) for key, value in params.items()}
            if "office" in params and not officer.all_offices:
                params["office"] = officer.offices.values_list("code", flat=True).first()
            median, best, (count, _) = timed(partial(selector_page, officer, params), args.repeat)
            api_median, api_best, response = timed(partial(api.get, "/api/v1/review-queue/", params), args.repeat)
            assert response.status_code == 200, response.content[:300]
            html_median, html_best, page = timed(partial(browser.get, "/declarations/review/", params), args.repeat)
            assert page.status_code == 200
            with CaptureQueriesContext(connection) as queries:
                browser.get("/declarations/review/", params)
            print(f"  {label:<24}{count:>8,}  {median:9.1f} ms (best {best:5.1f})  {api_median:7.1f} ms (best {api_best:5.1f})"
                  f"  {html_median:7.1f} ms (best {html_best:5.1f})  {len(queries.captured_queries)}")
        print()

    officer_all, officer_two = facts["officers"]
    for officer, who, label, params in (
        (officer_all, "every office", "no filter", {}),
        (officer_all, "every office", "hs_chapter=61", {"hs_chapter": "61"}),
        (officer_two, "two offices", "no filter", {}),
    ):
        plan = review_queue(officer=officer, **params)[:25].explain(analyze=True)
        uses_index = "decl_review_queue" in plan
        print(f"EXPLAIN ANALYZE of the first page (officer of {who}, {label}): "
              f"{'uses' if uses_index else 'does NOT use'} the partial index decl_review_queue")
        print("\n".join(f"    {line}" for line in plan.splitlines()))
        print()


if __name__ == "__main__":
    main()
