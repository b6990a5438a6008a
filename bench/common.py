"""Shared pieces of the benchmarks: a database of their own and Django on it, tax codes, tokens, a
10-item declaration body, percentiles."""
import os
import statistics
from datetime import date, timedelta
from urllib.parse import urlsplit, urlunsplit

import httpx

# Ten plain goods (no specialised management), so the default rules leave the channel to chance.
ITEMS = [
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
]


def declaration_body(n_items: int = 10, *, partner: str = "Benchmark Supplier Ltd") -> dict:
    today = date.today()
    items = []
    total = 0
    for index in range(n_items):
        hs_code, description, unit, price = ITEMS[index % len(ITEMS)]
        quantity = 10 + index
        items.append({"hs_code": hs_code, "description": description, "origin_country": "CN", "quantity": str(quantity),
                      "unit": unit, "unit_price": price, "preference": "MFN"})
        total += quantity * float(price)
    return {
        "direction": "import", "type_code": "A11", "customs_office": "03CE",
        "partner": {"name": partner, "address": "Shenzhen", "country": "CN"},
        "transport_mode": "sea", "bill_of_lading": "BENCH0001", "port_of_loading": "CNSHK", "port_of_discharge": "VNHPH",
        "arrival_date": (today - timedelta(days=1)).isoformat(), "packages": 10, "gross_weight_kg": "1000",
        "invoice": {"number": "BENCH-1", "date": (today - timedelta(days=5)).isoformat(), "currency": "USD",
                    "incoterm": "CIF", "total": f"{total:.2f}"},
        "freight": "0", "insurance": "0", "items": items,
    }


def token(base_url: str, username: str, password: str = "demo12345") -> str:
    response = httpx.post(f"{base_url}/api/v1/auth/token/", json={"username": username, "password": password}, timeout=30)
    response.raise_for_status()
    return response.json()["token"]


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


def describe(name: str, seconds: list[float]) -> str:
    ms = [s * 1000 for s in seconds]
    return (f"{name:<16} n={len(ms):<5} p50={percentile(ms, 50):8.1f} ms  p95={percentile(ms, 95):8.1f} ms  "
            f"p99={percentile(ms, 99):8.1f} ms")


def database_prepare(url: str, *, recreate: bool) -> None:
    """Create the database of `url` if it does not exist (drop it first with `recreate`)."""
    import psycopg2

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    connection = psycopg2.connect(maintenance)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            if recreate:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{name}"')
    finally:
        connection.close()


def django_setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "customs_portal.settings.test")
    import django

    django.setup()


def tax_code(n: int, *, prefix: str = "09") -> str:
    """A valid 10-digit Vietnamese tax code, the n-th of those starting with `prefix` (two digits)."""
    from stdnum.vn import mst

    for free_digit in "0123456789":
        base = f"{prefix}{n + 1:06d}{free_digit}"
        check = mst.calc_check_digit(base)
        if len(check) == 1:
            return base + check
    raise AssertionError(n)
