"""The watchlist of foreign partners on the assessment's path: `declaration_facts` and
`risk_assess` with a large watchlist.

Usage: .venv/bin/python bench/watchlist_match.py [--database-url postgres://…/name] [-n 10000] [--declarations 200]
       [--repeat 500] [--one-country]

Without --database-url it (re)creates the database `customs_portal_bench_watchlist` on the local
server. It migrates, loads the reference data and the demo accounts and rules, lists N partners
(made-up company names with legal forms, in 40 countries or with --one-country all in CN, one in
twenty for any country) with PostgreSQL COPY, then:
  - times `declaration_facts` of one registered declaration --repeat times, for a partner that is
    unrelated to the list, one that is listed (under another spelling) and a near-miss;
  - registers --declarations declarations (a third of each kind of partner) and times `risk_assess`
    of each (what a risk worker does per message).
Prints the median, the 95th percentile and the best, in milliseconds.
"""
import argparse
import contextlib
import io
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import declaration_body
from review_queue import copy_rows, database_prepare, django_setup

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/customs_portal_bench_watchlist"
SEED = 20261203
WORDS = ("Golden Dragon Harbor Lantern Pacific Eastern Northern Silver Lotus Crown Phoenix Summit Jade River Ocean "
         "Star Union Global Prime Royal Bright Delta Sunrise Orient Mekong Bamboo Tiger Eagle Pearl Coral Maple "
         "Cedar Granite Falcon Atlas Zenith Nova Vertex Horizon Meridian Apex Liberty Harmony Trinity").split()
TRADES = ("Trading Logistics Electronics Textiles Machinery Industrial Foods Chemicals Plastics Materials Exports "
          "Imports Components Garments Metals Furniture Packaging Holdings Resources Technology").split()
FORMS = ("Co., Ltd", "Company Limited", "Ltd", "LLC", "Inc.", "Corp.", "Pte. Ltd.", "GmbH", "JSC", "Limited", "")
COUNTRIES = ("CN HK TW KR JP SG MY TH ID PH IN US DE FR GB IT ES NL BE CH AU NZ CA MX BR AE SA TR RU PL CZ SE DK "
             "NO FI AT IE IL ZA EG").split()


def partner_names(n: int, rng: random.Random, *, countries=COUNTRIES) -> list[tuple[str, str]]:
    """N names that are different partners (different keys) in their countries."""
    from risk.names import partner_name_key

    names, seen = [], set()
    while len(names) < n:
        name = " ".join([rng.choice(WORDS), rng.choice(WORDS), rng.choice(TRADES), f"{rng.randint(1, 999)}",
                         rng.choice(FORMS)]).strip()
        country = "" if rng.random() < 0.05 else rng.choice(countries)
        if (partner_name_key(name), country) not in seen:
            seen.add((partner_name_key(name), country))
            names.append((name, country))
    return names


def partners_insert(names: list[tuple[str, str]]) -> None:
    """As watchlisted_partner_add would list them, without an audit event each."""
    from django.utils import timezone

    from risk.models import WatchlistChange, WatchlistedPartner
    from risk.names import partner_name_key

    bench = WatchlistedPartner.objects.filter(reason="bench")  # from an earlier run on the same database
    WatchlistChange.objects.filter(partner__in=bench).delete()
    bench.delete()
    now = timezone.now().isoformat()
    copy_rows("risk_watchlistedpartner", ["name", "name_key", "country", "reason", "active", "created_at"],
              ((name, partner_name_key(name), country, "bench", True, now) for name, country in names))
    WatchlistChange.objects.create(partner=WatchlistedPartner.objects.order_by("-pk").first(), active=True)


def near_miss(name: str) -> str:
    """One letter of the name changed (not in the legal form at its end)."""
    index = 2
    return name[:index] + ("x" if name[index] != "x" else "y") + name[index + 1:]


def timed(function, repeat: int) -> tuple[list[float], list[float]]:
    """Wall-clock and this process's CPU milliseconds of each of `repeat` calls (the CPU time
    leaves out the database's share and the waits of a busy machine)."""
    wall, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        function()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return wall, cpu


def summary(label: str, times: tuple[list[float], list[float]]) -> str:
    wall, cpu = times
    ordered = sorted(wall)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return (f"  {label:<36} median {statistics.median(wall):7.3f} ms  p95 {p95:7.3f} ms  best {ordered[0]:7.3f} ms"
            f"  CPU median {statistics.median(cpu):6.3f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=None, help=f"default: a new {DEFAULT_URL}")
    parser.add_argument("-n", type=int, default=10_000, help="partners on the watchlist")
    parser.add_argument("--declarations", type=int, default=200, help="declarations to assess")
    parser.add_argument("--repeat", type=int, default=500, help="timed runs of declaration_facts per partner kind")
    parser.add_argument("--one-country", action="store_true",
                        help="list every partner in CN (the worst case: a declaration is compared with all of them)")
    args = parser.parse_args()

    url = args.database_url or DEFAULT_URL
    database_prepare(url, recreate=args.database_url is None)
    django_setup(url)

    from django.core.management import call_command

    from customs_portal.accounts.models import User
    from customs_portal.demo.services import demo_data_seed
    from declarations.api.serializers import DeclarationWriteSerializer
    from declarations.models import Declaration
    from declarations.services.declarations import declaration_create, declaration_submit
    from risk.models import RiskSettings, WatchlistedPartner
    from risk.services.assessment import risk_assess
    from risk.services.facts import declaration_facts, partner_on_watchlist

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    with contextlib.redirect_stdout(io.StringIO()):
        call_command("load_reference_data", verbosity=0)
        demo_data_seed()
    RiskSettings.objects.update_or_create(pk=1, defaults={"random_yellow_rate": 0, "random_red_rate": 0})
    print(f"database {url.rsplit('/', 1)[-1]}: migrated, reference data and demo accounts in {time.perf_counter() - started:.1f} s")

    rng = random.Random(SEED)
    names = partner_names(args.n, rng, countries=("CN",) if args.one_country else COUNTRIES)
    started = time.perf_counter()
    partners_insert(names)
    print(f"{WatchlistedPartner.objects.filter(active=True).count():,} partners on the watchlist "
          f"(inserted in {time.perf_counter() - started:.1f} s)\n")

    listed_name, listed_country = next((name, country) for name, country in names if country == "CN")
    kinds = {
        "unrelated partner": "Quiet Meadow Bakery Supplies Ltd",
        "listed partner, spelt differently": "  " + listed_name.upper().replace(" ", "  ") + ".",
        "near-miss (one letter changed)": near_miss(listed_name),
    }
    trader = User.objects.get(username="trader1")

    def registered(partner: str) -> Declaration:
        body = declaration_body(10, partner=partner)
        serializer = DeclarationWriteSerializer(data=body)
        serializer.is_valid(raise_exception=True)
        declaration = declaration_create(user=trader, data=serializer.validated_data)
        return declaration_submit(declaration_id=declaration.pk, user=trader)

    print(f"declaration_facts of a 10-item declaration, {args.repeat} runs (listed partner: {listed_name!r}, {listed_country})")
    for label, partner in kinds.items():
        declaration = Declaration.objects.select_related("enterprise").get(pk=registered(partner).pk)
        facts = declaration_facts(declaration=declaration)  # warm: compiled queries, caches
        watch = {key: value for key, value in facts.header.items() if key.startswith("partner.")}
        print(summary(label, timed(lambda d=declaration: declaration_facts(declaration=d), args.repeat)))
        print(summary("  of which the partner's match", timed(
            lambda d=declaration: partner_on_watchlist(name=d.partner_name, country=d.partner_country_id), args.repeat)))
        print(f"    {watch}")

    print(f"\nrisk_assess of {args.declarations} registered 10-item declarations")
    channels: dict[str, dict[str, int]] = {}
    for label, partner in kinds.items():
        ids = [registered(partner).pk for _ in range(args.declarations // len(kinds))]
        wall, cpu = [], []
        for declaration_id in ids:
            started, started_cpu = time.perf_counter(), time.process_time()
            assessment = risk_assess(declaration_id=declaration_id)
            wall.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            channels.setdefault(label, {}).setdefault(assessment.channel, 0)
            channels[label][assessment.channel] += 1
        print(summary(label, (wall, cpu)) + f"  channels {channels[label]}")


if __name__ == "__main__":
    main()
