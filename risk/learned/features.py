"""The features of the learned risk model, computed from what was known before each row's date.

A customs analyst's view of a goods item: how often the importer, declarant, seller, courier and
their pairs were found at fault before (counts and violation rates smoothed towards the overall
rate), how the HS code and its countries fared, the unit value against the same HS code (and
origin, departure, tax type) declared before, identical goods items declared before (same HS code,
origin, quantity and price: a repeated consignment) and what their checks found, and the item's own
office, transport, tax rate, mass and price.

Leakage: `history_features` walks the rows day by day; the features of every row of a day come from
the state built by the rows of earlier days only, then the day's rows are added. A row's features
therefore never depend on its own label, on another row of its day, or on any later row
(tests/risk/test_model_features.py shuffles the future and flips labels to check it).
`FeatureState.freeze` keeps what scoring needs: counts per key and the unit-value medians.
"""
import math
import statistics
from collections import deque
from dataclasses import dataclass, field

from django.utils.translation import gettext_noop

from risk.learned.rows import HistoryRow

FEATURE_FORMAT = 3  # 2: unit values compared per currency and unit; 3: identical goods items ("same_goods")
# Weight of the overall rate in a smoothed violation rate: (found + W × overall) / (checked + W).
PRIOR_WEIGHT = 10.0
# Unit values kept per peer group: the median of the latest ones is the peers' price.
PEER_WINDOW = 200

# name → the row's fields whose values form the key (hs4 and hs2 are derived from hs6).
GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("importer", ("importer",)),
    ("declarant", ("declarant",)),
    ("seller", ("seller",)),
    ("courier", ("courier",)),
    ("importer_declarant", ("importer", "declarant")),
    ("importer_seller", ("importer", "seller")),
    ("declarant_seller", ("declarant", "seller")),
    ("importer_hs6", ("importer", "hs6")),
    ("declarant_hs6", ("declarant", "hs6")),
    ("seller_hs6", ("seller", "hs6")),
    ("hs6", ("hs6",)),
    ("hs4", ("hs4",)),
    ("hs6_origin", ("hs6", "origin_country")),
    ("hs6_departure", ("hs6", "departure_country")),
    ("hs6_origin_departure", ("hs6", "origin_country", "departure_country")),
    ("hs6_tax_type", ("hs6", "tax_type")),
    ("hs6_origin_tax_type", ("hs6", "origin_country", "tax_type")),
    ("hs6_origin_departure_tax_type", ("hs6", "origin_country", "departure_country", "tax_type")),
    ("hs4_origin", ("hs4", "origin_country")),
    ("hs4_origin_tax_type", ("hs4", "origin_country", "tax_type")),
    ("hs6_origin_import_type", ("hs6", "origin_country", "import_type")),
    ("office", ("office",)),
    ("origin", ("origin_country",)),
    ("departure", ("departure_country",)),
    # The same goods again: HS code, origin, quantity (in its unit) and price (in its currency) all equal.
    ("same_goods", ("hs6", "origin_country", "quantity_price")),
)
# Unit value (price per unit of quantity: per kg for the imported history) compared with the median of
# these peers, in the same currency and unit.
PEERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("hs6", ("hs6",)),
    ("hs6_origin", ("hs6", "origin_country")),
    ("hs6_origin_departure", ("hs6", "origin_country", "departure_country")),
    ("hs6_origin_tax_type", ("hs6", "origin_country", "tax_type")),
)
CATEGORIES: tuple[str, ...] = (
    "office", "process_type", "import_type", "import_use", "payment_type", "transport_mode", "tax_type",
    "origin_indicator", "departure_country", "origin_country", "hs2", "hs4",
)
NUMBERS: tuple[str, ...] = ("tax_rate", "net_mass", "item_price", "log_unit_value", "log_duty")


def _names() -> list[str]:
    names = []
    for group, _fields in GROUPS:
        names += [f"{group}.count", f"{group}.found", f"{group}.rate"]
    for peer, _fields in PEERS:
        names += [f"unit_value_vs.{peer}", f"unit_value_peers.{peer}"]
    names += [f"number.{n}" for n in NUMBERS]
    names += [f"category.{c}" for c in CATEGORIES]
    return names


FEATURE_NAMES: tuple[str, ...] = tuple(_names())
CATEGORY_INDEXES: tuple[int, ...] = tuple(range(len(FEATURE_NAMES) - len(CATEGORIES), len(FEATURE_NAMES)))
NAN = float("nan")

# What a feature's group is called in an explanation (risk/learned/explain.py).
GROUP_LABELS = {
    "importer": gettext_noop("the importer's record"),
    "declarant": gettext_noop("the declarant's record"),
    "seller": gettext_noop("the seller's record"),
    "courier": gettext_noop("the courier's record"),
    "importer_declarant": gettext_noop("this importer with this declarant"),
    "importer_seller": gettext_noop("this importer with this seller"),
    "declarant_seller": gettext_noop("this declarant with this seller"),
    "importer_hs6": gettext_noop("this importer with this HS code"),
    "declarant_hs6": gettext_noop("this declarant with this HS code"),
    "seller_hs6": gettext_noop("this seller with this HS code"),
    "hs6": gettext_noop("the HS code (6 digits)"),
    "hs4": gettext_noop("the HS heading (4 digits)"),
    "hs6_origin": gettext_noop("this HS code from this origin"),
    "hs6_departure": gettext_noop("this HS code shipped from this country"),
    "hs6_origin_departure": gettext_noop("this HS code, origin and country of departure"),
    "hs6_tax_type": gettext_noop("this HS code with this tax treatment"),
    "hs6_origin_tax_type": gettext_noop("this HS code and origin with this tax treatment"),
    "hs6_origin_departure_tax_type": gettext_noop("this HS code, origin, departure and tax treatment"),
    "hs4_origin": gettext_noop("this HS heading from this origin"),
    "hs4_origin_tax_type": gettext_noop("this HS heading and origin with this tax treatment"),
    "hs6_origin_import_type": gettext_noop("this HS code and origin under this import type"),
    "office": gettext_noop("the customs office"),
    "origin": gettext_noop("the country of origin"),
    "departure": gettext_noop("the country of departure"),
    "same_goods": gettext_noop("identical goods (same HS code, origin, quantity and price)"),
}
# Parts of a group's key derived from the row rather than read from it.
DERIVED_PARTS = ("hs4", "hs2", "quantity_price")


def _derived(row: HistoryRow) -> dict:
    mass = row.net_mass if row.net_mass and row.net_mass > 0 else 0.0
    price = row.item_price if row.item_price and row.item_price > 0 else 0.0
    unit_value = math.log1p(price / mass) if mass else math.log1p(price)
    # Quantity and price exactly (to the gram and the cent); unknown when both are missing.
    quantity_price = f"{round(mass, 3)!r} {row.unit} {round(price, 2)!r} {row.currency}" if mass or price else ""
    return {"hs4": row.hs6[:4], "hs2": row.hs6[:2], "quantity_price": quantity_price, "unit_value": unit_value,
            "mass": mass, "price": price}


def _key(row: HistoryRow, derived: dict, fields: tuple[str, ...]) -> str | None:
    """The group's key for the row; None when one of its parts is unknown (no count for it)."""
    parts = []
    for name in fields:
        value = derived[name] if name in DERIVED_PARTS else getattr(row, name)
        if not value:
            return None
        parts.append(value)
    return "\x1f".join(parts)


@dataclass
class FeatureState:
    """What the rows seen so far tell: per group key [rows, labelled rows, found], per peer key the
    latest unit values (or, frozen, their median and count), the overall rate, and the category codes
    (fixed once training ends: a value first seen later is unknown to the model)."""

    counts: dict = field(default_factory=dict)  # "group\x1ekey" -> [rows, labelled, found]
    peers: dict = field(default_factory=dict)  # "peer\x1ecurrency/unit\x1ekey" -> deque of unit values
    medians: dict = field(default_factory=dict)  # same key -> (median, count): cache or frozen values
    labelled: int = 0
    found: int = 0
    vocabulary: dict = field(default_factory=lambda: {c: {} for c in CATEGORIES})
    vocabulary_open: bool = True
    frozen: bool = False

    @property
    def overall_rate(self) -> float:
        return (self.found + 1.0) / (self.labelled + 2.0)

    def _median(self, key: str) -> tuple[float, int] | None:
        cached = self.medians.get(key)
        if cached is not None or self.frozen:
            return cached
        values = self.peers.get(key)
        if not values:
            return None
        cached = (statistics.median(values), len(values))
        self.medians[key] = cached
        return cached

    def features(self, row: HistoryRow) -> list[float]:
        """The row's features from this state (which must not hold the row itself)."""
        derived = _derived(row)
        overall = self.overall_rate
        vector: list[float] = []
        for group, fields in GROUPS:
            key = _key(row, derived, fields)
            if key is None:
                vector += [NAN, NAN, NAN]
                continue
            rows, labelled, found = self.counts.get(group + "\x1e" + key, (0, 0, 0))
            vector += [float(rows), float(found), (found + PRIOR_WEIGHT * overall) / (labelled + PRIOR_WEIGHT)]
        for peer, fields in PEERS:
            key = _key(row, derived, fields)
            median = self._median(f"{peer}\x1e{row.currency}/{row.unit}\x1e{key}") if key is not None else None
            if median is None:
                vector += [NAN, 0.0]
            else:
                vector += [derived["unit_value"] - median[0], float(median[1])]
        tax_rate = float(row.tax_rate or 0.0)
        vector += [tax_rate, derived["mass"], derived["price"], derived["unit_value"],
                   math.log1p(derived["price"] * tax_rate / 100.0)]
        for name in CATEGORIES:
            value = derived[name] if name in ("hs4", "hs2") else getattr(row, name)
            code = self.vocabulary[name].get(value)
            vector.append(NAN if code is None else float(code))
        return vector

    def add(self, row: HistoryRow) -> None:
        """Count the row (its label when it has one) for the rows of later days."""
        assert not self.frozen, "a frozen state is read-only"
        derived = _derived(row)
        label = row.fraud
        for group, fields in GROUPS:
            key = _key(row, derived, fields)
            if key is None:
                continue
            entry = self.counts.get(group + "\x1e" + key)
            if entry is None:
                entry = self.counts[group + "\x1e" + key] = [0, 0, 0]
            entry[0] += 1
            if label is not None:
                entry[1] += 1
                entry[2] += int(label)
        for peer, fields in PEERS:
            key = _key(row, derived, fields)
            if key is None:
                continue
            peer_key = f"{peer}\x1e{row.currency}/{row.unit}\x1e{key}"
            values = self.peers.get(peer_key)
            if values is None:
                values = self.peers[peer_key] = deque(maxlen=PEER_WINDOW)
            values.append(derived["unit_value"])
            self.medians.pop(peer_key, None)
        if label is not None:
            self.labelled += 1
            self.found += int(label)
        if self.vocabulary_open:
            for name in CATEGORIES:
                value = derived[name] if name in ("hs4", "hs2") else getattr(row, name)
                codes = self.vocabulary[name]
                if value not in codes:
                    codes[value] = len(codes)

    def freeze(self) -> "FeatureState":
        """A read-only copy for scoring: counts, medians and vocabulary; no unit-value lists."""
        medians = {key: (statistics.median(values), len(values)) for key, values in self.peers.items() if values}
        return FeatureState(counts={k: tuple(v) for k, v in self.counts.items()}, peers={}, medians=medians,
                            labelled=self.labelled, found=self.found,
                            vocabulary={name: dict(codes) for name, codes in self.vocabulary.items()},
                            vocabulary_open=False, frozen=True)

    def to_json(self) -> dict:
        state = self if self.frozen else self.freeze()
        return {"format": FEATURE_FORMAT, "counts": {k: list(v) for k, v in state.counts.items()},
                "medians": {k: list(v) for k, v in state.medians.items()}, "labelled": state.labelled,
                "found": state.found, "vocabulary": state.vocabulary}

    @classmethod
    def from_json(cls, data: dict) -> "FeatureState":
        if data.get("format") != FEATURE_FORMAT:
            raise ValueError(f"feature state format {data.get('format')!r}, expected {FEATURE_FORMAT}")
        return cls(counts={k: tuple(v) for k, v in data["counts"].items()}, peers={},
                   medians={k: tuple(v) for k, v in data["medians"].items()}, labelled=data["labelled"],
                   found=data["found"], vocabulary=data["vocabulary"], vocabulary_open=False, frozen=True)


def row_order(row: HistoryRow) -> tuple:
    return (row.declared_on, row.source, row.key)


def history_features(rows, *, state: FeatureState | None = None, progress=None):
    """Features of every row (sorted by date, source and key), each from the rows of earlier days
    only, and the state after the last day. Returns (sorted rows, feature rows, state)."""
    ordered = sorted(rows, key=row_order)
    state = state or FeatureState()
    matrix: list[list[float]] = []
    start = 0
    total = len(ordered)
    while start < total:
        day = ordered[start].declared_on
        end = start
        while end < total and ordered[end].declared_on == day:
            end += 1
        batch = ordered[start:end]
        for row in batch:
            matrix.append(state.features(row))
        for row in batch:
            state.add(row)
        start = end
        if progress is not None:
            progress(start, total)
    return ordered, matrix, state
