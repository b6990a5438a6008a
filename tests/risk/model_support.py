"""A small synthetic history for the learned model's tests, and a model trained on it (once per
session and arguments: training takes a few seconds).

The signal is one a model can learn and an analyst would recognise: a few importers and a few
HS code × origin pairs are usually found at fault, and items declared far under their usual unit
value are found at fault more often. About one row in eight has no check (no label)."""
import random
from datetime import date, timedelta
from functools import lru_cache

from risk.learned.rows import HistoryRow
from risk.learned.training import TrainingResult, model_train

IMPORTERS = 40
RISKY_IMPORTERS = 6  # importers 0–5
DECLARANTS = 12
SELLERS = 30
# HS6 → (usual unit value per kg in USD, duty rate %).
GOODS = {"847130": (250.0, 0.0), "610910": (8.0, 20.0), "080510": (1.2, 10.0), "940360": (30.0, 25.0),
         "851712": (180.0, 0.0), "420221": (60.0, 25.0), "640399": (40.0, 30.0), "392690": (5.0, 15.0)}
ORIGINS = ("CN", "KR", "JP", "TH", "US")
RISKY_PAIRS = {("610910", "CN"), ("640399", "TH"), ("420221", "CN")}
OFFICES = ("01B1", "02CI", "03CE")


def synthetic_rows(n: int = 1200, seed: int = 1, start: date = date(2026, 1, 1), days: int = 120,
                   source: str = "test") -> list[HistoryRow]:
    """`n` goods items declared over `days` days from `start`, the same for the same arguments."""
    rng = random.Random(seed)
    hs_codes = sorted(GOODS)
    rows = []
    for number in range(n):
        importer = rng.randrange(IMPORTERS)
        hs6, origin = rng.choice(hs_codes), rng.choice(ORIGINS)
        usual, duty = GOODS[hs6]
        under_priced = rng.random() < 0.2
        unit_value = usual * (rng.uniform(0.25, 0.5) if under_priced else rng.uniform(0.8, 1.25))
        mass = round(rng.uniform(10, 2000), 1)
        chance = (0.05 + 0.5 * (importer < RISKY_IMPORTERS) + 0.35 * ((hs6, origin) in RISKY_PAIRS)
                  + 0.3 * under_priced)
        fraud = rng.random() < min(chance, 0.95)
        labelled = rng.random() < 0.875
        rows.append(HistoryRow(
            source=source, key=f"{number:05d}", declared_on=start + timedelta(days=rng.randrange(days)),
            office=rng.choice(OFFICES), transport_mode=rng.choice(("sea", "air", "road")),
            importer=f"{source}:importer:I{importer:02d}", declarant=f"{source}:declarant:D{rng.randrange(DECLARANTS):02d}",
            seller=f"{source}:seller:S{rng.randrange(SELLERS):02d}", courier="",
            hs6=hs6, origin_country=origin, departure_country=origin if rng.random() < 0.8 else "SG",
            tax_rate=duty, tax_type="MFN" if rng.random() < 0.7 else "ACFTA", net_mass=mass,
            item_price=round(unit_value * mass, 2), currency="USD", import_type="A11",
            fraud=fraud if labelled else None,
        ))
    return rows


@lru_cache(maxsize=8)
def _trained(rows: tuple, seed: int) -> TrainingResult:
    return model_train(list(rows), seed=seed)


def trained_artifact(rows=None, seed: int = 7) -> TrainingResult:
    """model_train on `rows` (the default synthetic history when None), computed once per session and
    arguments. The result is shared: read it, do not change it."""
    return _trained(tuple(synthetic_rows() if rows is None else rows), seed)
