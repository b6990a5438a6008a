"""Statistics at national scale (issue 17): the rollups and the statistics API over a million declarations.

(Not bench/statistics.py: run as a script, a file of that name in bench/ would be imported as the
standard library's `statistics` by every benchmark, this one included.)

Usage: .venv/bin/python bench/statistics_scale.py [--database-url postgres://…/name] [-n 1000000]
       [--increment 1000] [--increment-days 7] [--repeat 5] [--no-rebuild-check] [--existing]

Without --database-url it (re)creates the database `customs_portal_statistics` on the local server.
It migrates it, loads the reference data, and writes N declarations with everything the statistics
derive from (bench/statistics_data.py: COPY, in chunks) — or, with --existing, keeps what a previous
run wrote (migrating it to the current code) — then:
1. `statistics_refresh(rebuild=True)`: how long deriving every fact and cell takes;
2. every endpoint `GET /api/v1/statistics/{release-times,channel-mix,hit-rates,revenue,workload}/`
   over the last year and the last month, with each of its group_by values (and a few filters), as a
   risk admin through Django's test client (middleware, auth, selectors, JSON rendering): median and
   max of --repeat calls after one untimed call, PASS when the median is under 500 ms;
3. --increment more declarations registered over the last --increment-days days, with a change record
   per transition as the portal writes them, then the incremental `statistics_refresh()`: its time;
4. the endpoints' figures over the year against direct SQL on the raw tables (declarations,
   payments, inspections): channel counts, declarations, taxes assessed and paid, overdue, the
   median and 90th percentile of the time to clearance, the hit rate, the open work: OK or MISMATCH;
5. unless --no-rebuild-check: a second rebuild, and whether it leaves exactly the rows the
   incremental refresh left (a digest of each statistics table).
The figures depend on the machine's load: the load average is printed at the start and the end.
"""
import argparse
import contextlib
import io
import logging
import statistics
import sys
import time
import warnings
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import database_prepare, django_setup  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/customs_portal_statistics"
BUDGET_MS = 500
REPORTS = {  # report → the group_by values timed (None: the report's default)
    "release-times": (None, "office", "transport_mode", "week", "direction", "class"),
    "channel-mix": (None, "office", "class", "hs_chapter", "enterprise", "direction", "week"),
    "hit-rates": (None,),
    "revenue": (None, "week", "month", "office", "direction"),
    "workload": (None,),
}


def load_average() -> str:
    with open("/proc/loadavg") as handle:
        return " ".join(handle.read().split()[:3])


def sql(query: str, parameters=None) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(query, parameters)
        return cursor.fetchall()


def timed_get(client, url: str, params: dict, repeat: int):
    """(median ms, max ms, last response) of `repeat` calls after an untimed one."""
    response = client.get(url, params)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url, params)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times), response


def endpoints_time(client, periods: dict, extra: list, repeat: int) -> bool:
    """Time every call; False when the statistics API is not there (404)."""
    probe = client.get("/api/v1/statistics/release-times/")
    if probe.status_code == 404:
        print("SKIPPED: GET /api/v1/statistics/release-times/ is 404: the statistics API is not in this checkout\n")
        return False
    print(f"{'report':<14}{'period':<7}{'group_by / filter':<26}{'median':>10}{'max':>10}  result")
    failures = 0
    calls = [(report, period, {"group_by": group} if group else {}) for period in periods
             for report, groups in REPORTS.items() for group in groups]
    calls += [(report, "year", params) for report, params in extra]
    for report, period, params in calls:
        date_from, date_to = periods[period]
        median, longest, response = timed_get(client, f"/api/v1/statistics/{report}/",
                                              {"from": date_from.isoformat(), "to": date_to.isoformat(), **params},
                                              repeat)
        label = ", ".join(f"{key}={value}" for key, value in params.items()) or "(default)"
        if response.status_code != 200:
            verdict = f"FAIL: HTTP {response.status_code} {response.content[:200]!r}"
        else:
            verdict = "PASS" if median < BUDGET_MS else "FAIL"
        failures += verdict != "PASS"
        print(f"{report:<14}{period:<7}{label:<26}{median:8.1f} ms{longest:7.1f} ms  {verdict}")
    print(f"{len(calls) - failures} of {len(calls)} calls under {BUDGET_MS} ms (median of {repeat})\n")
    return True


def raw_figures(date_from, date_to) -> dict:
    """The figures of the period straight from the portal's tables (not the statistics tables)."""
    from django.conf import settings
    from django.utils import timezone

    from risk.selectors.hit_rates import CONCLUDED

    tz = settings.TIME_ZONE
    period = {"tz": tz, "date_from": date_from, "date_to": date_to}
    registered = "d.registered_at IS NOT NULL AND (d.registered_at AT TIME ZONE %(tz)s)::date BETWEEN %(date_from)s AND %(date_to)s"
    counts = dict(sql(f"SELECT COALESCE(d.channel, 'unassessed'), COUNT(*) FROM declarations_declaration d"
                      f" WHERE {registered} GROUP BY 1", period))
    counts["total"] = sum(counts.values())
    (assessed,) = sql(f"SELECT COALESCE(SUM(d.tax_total), 0), COUNT(*) FROM declarations_declaration d WHERE {registered}"
                      " AND d.status NOT IN ('cancelled', 'rejected')", period)
    (paid,) = sql("""SELECT COUNT(*), COALESCE(SUM(p.applied_tax + p.applied_interest), 0) FROM payments_payment p
                      WHERE p.status = 'credited' AND (p.credited_at AT TIME ZONE %(tz)s)::date
                            BETWEEN %(date_from)s AND %(date_to)s""", period)
    (overdue,) = sql(f"""SELECT COUNT(*), COALESCE(SUM(d.amount_due), 0) FROM declarations_declaration d
                         WHERE {registered} AND d.amount_due > 0 AND d.status NOT IN ('cancelled', 'rejected')
                           AND (d.registered_at AT TIME ZONE %(tz)s)::date < %(today)s""",
                     {**period, "today": timezone.localdate()})
    (clearance,) = sql(f"""SELECT COUNT(*),
                                  PERCENTILE_DISC(0.5) WITHIN GROUP (ORDER BY FLOOR(EXTRACT(EPOCH FROM d.cleared_at - d.registered_at))),
                                  PERCENTILE_DISC(0.9) WITHIN GROUP (ORDER BY FLOOR(EXTRACT(EPOCH FROM d.cleared_at - d.registered_at)))
                             FROM declarations_declaration d WHERE {registered} AND d.cleared_at IS NOT NULL""", period)
    (hits,) = sql(f"""SELECT COUNT(*), COUNT(*) FILTER (WHERE d.status = 'rejected' OR EXISTS (
                                SELECT 1 FROM declarations_inspectionresult x WHERE x.declaration_id = d.id AND x.discrepancy))
                        FROM declarations_declaration d
                       WHERE {registered} AND d.channel IN ('yellow', 'red')
                         AND (d.status = ANY(%(concluded)s)
                              OR EXISTS (SELECT 1 FROM declarations_inspectionresult x WHERE x.declaration_id = d.id))""",
                  {**period, "concluded": [str(s) for s in CONCLUDED]})
    (open_,) = sql("SELECT COUNT(*) FROM declarations_declaration WHERE status IN ('under_review', 'under_inspection')")
    return {
        "channel counts": {key: counts.get(key, 0) for key in ("green", "yellow", "red", "unassessed", "total")},
        "declarations (release times)": counts["total"],
        "taxes assessed": int(assessed[0]), "taxes and interest paid": int(paid[1]), "payments": paid[0],
        "overdue": [overdue[0], int(overdue[1])], "clearances counted": clearance[0],
        "median to clearance (s)": None if clearance[1] is None else int(clearance[1]),
        "p90 to clearance (s)": None if clearance[2] is None else int(clearance[2]),
        "checked, found": [hits[0], hits[1]], "open now": open_[0],
    }


def api_figures(client, date_from, date_to) -> dict:
    params = {"from": date_from.isoformat(), "to": date_to.isoformat()}

    def get(report: str) -> dict:
        response = client.get(f"/api/v1/statistics/{report}/", params)
        assert response.status_code == 200, (report, response.status_code, response.content[:300])
        return response.json()

    mix, times, money, hits, work = (get(r) for r in ("channel-mix", "release-times", "revenue", "hit-rates", "workload"))
    clearance = times["all"]["durations"]["to_clearance"]
    return {
        "channel counts": mix["counts"], "declarations (release times)": times["all"]["declarations"],
        "taxes assessed": money["assessed"]["total"], "taxes and interest paid": money["paid"]["total"],
        "payments": money["paid"]["payments"],
        "overdue": [money["overdue"]["declarations"], money["overdue"]["amount"]],
        "clearances counted": clearance["count"], "median to clearance (s)": clearance["median_seconds"],
        "p90 to clearance (s)": clearance["p90_seconds"], "checked, found": [hits["all"]["checked"], hits["all"]["found"]],
        "open now": work["open"]["total"],
    }


def facts_figures(date_from, date_to) -> dict:
    """The same figures from the statistics tables themselves, when there is no API to ask."""
    period = {"date_from": date_from, "date_to": date_to}
    counts = dict(sql("SELECT COALESCE(NULLIF(channel, ''), 'unassessed'), COUNT(*) FROM statistics_declaration_fact"
                      " WHERE registered_on BETWEEN %(date_from)s AND %(date_to)s GROUP BY 1", period))
    counts["total"] = sum(counts.values())
    (assessed,) = sql("SELECT COALESCE(SUM(tax_total), 0) FROM statistics_declaration_fact WHERE registered_on"
                      " BETWEEN %(date_from)s AND %(date_to)s AND status NOT IN ('cancelled', 'rejected')", period)
    (paid,) = sql("""SELECT COALESCE(SUM(payments), 0), COALESCE(SUM(import_duty + export_duty + special_consumption_tax
                                                                     + environmental_tax + vat + late_interest), 0)
                       FROM statistics_payment_cell WHERE paid_on BETWEEN %(date_from)s AND %(date_to)s""", period)
    return {"channel counts": {key: counts.get(key, 0) for key in ("green", "yellow", "red", "unassessed", "total")},
            "declarations (release times)": counts["total"], "taxes assessed": int(assessed[0]),
            "taxes and interest paid": int(paid[1]), "payments": int(paid[0])}


def compare(expected: dict, found: dict) -> int:
    mismatches = 0
    for name, value in found.items():
        verdict = "OK" if expected[name] == value else "MISMATCH"
        mismatches += verdict != "OK"
        print(f"  {name:<30} raw {expected[name]!s:<60} statistics {value!s:<60} {verdict}")
    return mismatches


def digests() -> dict:
    """(rows, digest of the rows in key order) of each statistics table; the cells' serial ids left out."""
    from customs_statistics.models import DayCell, DeclarationFact, ModelCell, PaymentCell, RuleCell

    day = "registered_on, days, office_id, channel, direction, transport_mode, compliance_class"
    found = {}
    for model, key in ((DeclarationFact, "declaration_id"), (DayCell, day), (RuleCell, f"{day}, rule_id"),
                       (ModelCell, f"{day}, model_version_id, model_band"),
                       (PaymentCell, "paid_on, office_id, direction, transport_mode, channel, compliance_class, bank")):
        columns = ", ".join(f.column for f in model._meta.concrete_fields if f.column != "id")
        (row,) = sql(f"SELECT COUNT(*), MD5(STRING_AGG(MD5(ROW({columns})::text), '' ORDER BY {key}))"
                     f" FROM {model._meta.db_table}")
        found[model._meta.db_table] = row
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=None, help=f"default: a new {DEFAULT_URL}")
    parser.add_argument("-n", type=int, default=1_000_000, help="declarations written before the timings")
    parser.add_argument("--increment", type=int, default=1_000, help="declarations added before the incremental refresh")
    parser.add_argument("--increment-days", type=int, default=7, help="the added ones are registered over these days")
    parser.add_argument("--repeat", type=int, default=5, help="timed calls of each endpoint")
    parser.add_argument("--no-rebuild-check", action="store_true", help="skip the second rebuild and its comparison")
    parser.add_argument("--existing", action="store_true",
                        help="time the database this benchmark filled before (migrated again, refreshed) without generating")
    args = parser.parse_args()

    url = args.database_url or DEFAULT_URL
    database_prepare(url, recreate=args.database_url is None and not args.existing)
    django_setup(url)
    for quiet in ("axes", "customs_statistics"):  # a login and each refresh would be logged between the figures
        logging.getLogger(quiet).setLevel(logging.WARNING)
    warnings.filterwarnings("ignore", message="No directory at")  # WhiteNoise: no collectstatic here

    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    from bench.statistics_data import statistics_data_generate
    from customs_portal.accounts.models import User
    from customs_statistics.services.refresh import statistics_refresh
    from declarations.models import DeclarationChange

    print(f"load average at start: {load_average()}")
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        call_command("load_reference_data", verbosity=0)
    name = urlsplit(url).path.lstrip("/")
    print(f"database {name}: migrated, reference data loaded in {time.perf_counter() - started:.1f} s")

    if args.existing:
        risk_admin_id = User.objects.get(username="stat_risk_admin").pk
        ((count,),) = sql("SELECT COUNT(*) FROM declarations_declaration")
        print(f"the existing {count:,} declarations")
    else:
        figures = statistics_data_generate(n=args.n, progress=print)
        risk_admin_id = figures["risk_admin_id"]
        rows = {key: value for key, value in figures.items() if isinstance(value, int) and key != "risk_admin_id"}
        print(f"generated {args.n:,} declarations in {figures['seconds']:.1f} s "
              f"({args.n / figures['seconds']:,.0f}/s; population {figures['population_seconds']:.1f} s), channels "
              + ", ".join(f"{key} {value:,}" for key, value in figures["channels"].items()))
        print("  rows: " + ", ".join(f"{key} {value:,}" for key, value in rows.items()))
    ((size,),) = sql("SELECT pg_size_pretty(pg_database_size(current_database()))")
    print(f"  database size {size}\n")

    state = statistics_refresh(rebuild=True)
    ((facts,),) = sql("SELECT COUNT(*) FROM statistics_declaration_fact")
    ((registered,),) = sql("SELECT COUNT(*) FROM declarations_declaration WHERE registered_at IS NOT NULL")
    ((size,),) = sql("SELECT pg_size_pretty(pg_database_size(current_database()))")
    print(f"statistics_refresh(rebuild=True): {state.milliseconds / 1000:.1f} s for {state.declarations:,} declarations; "
          f"{facts:,} facts for {registered:,} registered declarations "
          f"{'OK' if facts == registered else 'MISMATCH'}; database size {size}\n")

    setup_test_environment()  # lets the test client talk to "testserver"
    client = Client()
    client.force_login(User.objects.get(pk=risk_admin_id))
    today = timezone.localdate()
    periods = {"year": (today - timedelta(days=364), today), "month": (today - timedelta(days=29), today)}
    ((busiest,),) = sql("SELECT e.tax_code FROM declarations_declaration d JOIN accounts_enterprise e"
                        " ON e.id = d.enterprise_id GROUP BY e.tax_code ORDER BY COUNT(*) DESC LIMIT 1")
    extra = [("release-times", {"office": "02CI"}), ("release-times", {"enterprise": busiest}),
             ("channel-mix", {"office": "02CI", "group_by": "class"}), ("revenue", {"enterprise": busiest}),
             ("revenue", {"transport_mode": "air"}), ("hit-rates", {"office": "02CI"})]
    api = endpoints_time(client, periods, extra, args.repeat)

    added = statistics_data_generate(n=args.increment, days=args.increment_days, changes=True)
    changes = DeclarationChange.objects.count()
    print(f"added {args.increment:,} declarations (registered over the last {args.increment_days} days) in "
          f"{added['seconds']:.1f} s with {changes:,} change records")
    state = statistics_refresh()
    print(f"statistics_refresh(): {state.milliseconds / 1000:.2f} s for {state.declarations:,} declarations\n")

    print(f"the year {periods['year'][0]} – {periods['year'][1]}: raw tables against "
          f"{'the API' if api else 'the statistics tables (no API)'}")
    expected = raw_figures(*periods["year"])
    found = api_figures(client, *periods["year"]) if api else facts_figures(*periods["year"])
    mismatches = compare(expected, found)
    print(f"{'all figures equal' if not mismatches else f'{mismatches} MISMATCH(ES)'}\n")

    if not args.no_rebuild_check:
        incremental = digests()
        state = statistics_refresh(rebuild=True)
        rebuilt = digests()
        print(f"a second rebuild ({state.milliseconds / 1000:.1f} s) against the incremental refresh:")
        for table, (count, digest) in rebuilt.items():
            print(f"  {table:<30} {count:>9,} rows  {'OK' if incremental[table] == (count, digest) else 'MISMATCH'}")
    print(f"\nload average at end: {load_average()}")


if __name__ == "__main__":
    main()
