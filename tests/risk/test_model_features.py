"""The learned model's features (risk/learned/features.py): no leakage — a row's features never
depend on its own label, on another row of its day or on any later row, whatever the order the
rows come in — and exact values on a history small enough to count by hand."""
import dataclasses
import json
import math
import random
from datetime import date, timedelta

import numpy
import pytest

from risk.learned.features import FEATURE_FORMAT, FEATURE_NAMES, FeatureState, history_features
from risk.learned.rows import HistoryRow
from tests.risk.model_support import synthetic_rows

INDEX = {name: i for i, name in enumerate(FEATURE_NAMES)}
DAY1, DAY2, DAY3 = date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4)


def by_key(rows, matrix) -> dict:
    return {row.key: numpy.asarray(vector) for row, vector in zip(rows, matrix, strict=True)}


def same(a, b) -> bool:
    """Equal feature vectors, NaN equal to NaN (an unknown feature is NaN)."""
    return numpy.array_equal(numpy.asarray(a), numpy.asarray(b), equal_nan=True)


def test_a_rows_features_never_depend_on_its_own_label_nor_on_its_days_labels():
    rows = synthetic_rows(n=500, seed=3, days=25)
    flipped = next(r for r in sorted(rows, key=lambda r: (r.declared_on, r.key))
                   if r.declared_on >= date(2026, 1, 12) and r.fraud is True)
    changed = [dataclasses.replace(r, fraud=False) if r.key == flipped.key else r for r in rows]
    before = by_key(*history_features(rows)[:2])
    after = by_key(*history_features(changed)[:2])

    assert same(before[flipped.key], after[flipped.key])
    same_day_or_earlier = [r.key for r in rows if r.declared_on <= flipped.declared_on]
    assert len(same_day_or_earlier) > 100
    assert all(same(before[key], after[key]) for key in same_day_or_earlier)
    # The label counts for the rows of later days: the importer's later items see one find fewer.
    later = [r for r in rows if r.declared_on > flipped.declared_on and r.importer == flipped.importer]
    assert later
    found = INDEX["importer.found"]
    assert all(after[r.key][found] == before[r.key][found] - 1 for r in later)


def test_the_future_changes_no_earlier_rows_features_whatever_the_order():
    rows = synthetic_rows(n=600, seed=4, days=30)
    cut = date(2026, 1, 16)
    past = [r for r in rows if r.declared_on < cut]
    future = [r for r in rows if r.declared_on >= cut]
    reference_rows, reference, _state = history_features(past)
    assert len(reference_rows) == len(past) > 200

    rng = random.Random(9)
    shuffled = past + future
    rng.shuffle(shuffled)
    changed_future = [dataclasses.replace(r, fraud=not r.fraud, item_price=r.item_price * 7, importer=past[0].importer)
                      for r in future[::2]]  # half the future deleted, the rest changed
    extra = synthetic_rows(n=100, seed=5, start=cut, days=10, source="later")
    for history in (shuffled, past + changed_future, list(reversed(past)) + extra, future + past):
        ordered, matrix, _state = history_features(history)
        assert [r.key for r in ordered[:len(past)]] == [r.key for r in reference_rows]
        numpy.testing.assert_array_equal(numpy.asarray(matrix[:len(past)]), numpy.asarray(reference))


def item(key: str, day: date, **fields) -> HistoryRow:
    values = {"source": "t", "key": key, "declared_on": day, "office": "03CE", "transport_mode": "sea",
              "importer": "t:importer:A", "declarant": "t:declarant:X", "seller": "t:seller:S", "courier": "",
              "hs6": "847130", "origin_country": "CN", "departure_country": "CN", "tax_rate": 10.0, "tax_type": "MFN",
              "net_mass": 10.0, "item_price": 1000.0, "currency": "USD", "fraud": None}
    return HistoryRow(**{**values, **fields})


# Day 1: two labelled items of importer A (one at fault), an unchecked item of importer B in EUR, and
# a compliant item of importer C. Day 2: items of A (no declarant known), of B in EUR, from a new office.
HISTORY = [
    item("a", DAY1, item_price=1000.0, fraud=True),  # 100 USD/kg
    item("b", DAY1, item_price=2000.0, seller="t:seller:T", office="01B1", fraud=False),  # 200 USD/kg
    item("c", DAY1, importer="t:importer:B", net_mass=1.0, item_price=50.0, currency="EUR"),  # 50 EUR/kg
    item("e", DAY1, importer="t:importer:C", seller="t:seller:U", hs6="610910", origin_country="KR", fraud=False),
    item("d", DAY2, declarant="", item_price=600.0, office="01B1", fraud=True),  # 60 USD/kg
    item("f", DAY2, importer="t:importer:B", item_price=300.0, currency="EUR", office="02CI", fraud=False),
]


@pytest.fixture
def counted():
    rows, matrix, state = history_features(list(reversed(HISTORY)))
    return {row.key: dict(zip(FEATURE_NAMES, vector, strict=True)) for row, vector in zip(rows, matrix, strict=True)}, state


def test_the_first_day_knows_nothing_not_even_its_other_rows(counted):
    features, _state = counted
    for key in "abce":
        assert (features[key]["importer.count"], features[key]["importer.found"], features[key]["hs6.count"]) == (0, 0, 0)
        assert features[key]["importer.rate"] == 0.5  # no labels yet: the overall rate's prior (0 + 1) / (0 + 2)
        assert math.isnan(features[key]["unit_value_vs.hs6"]) and features[key]["unit_value_peers.hs6"] == 0
        assert math.isnan(features[key]["category.office"])


def test_counts_finds_and_rates_smoothed_towards_the_earlier_overall_rate(counted):
    features, _state = counted
    d = features["d"]
    overall = (1 + 1) / (3 + 2)  # day 1: 3 labelled, 1 found → 0.4
    assert (d["importer.count"], d["importer.found"]) == (2, 1)
    assert d["importer.rate"] == pytest.approx((1 + 10 * overall) / (2 + 10), rel=1e-12)  # 0.41667
    assert (d["seller.count"], d["seller.found"]) == (2, 1)  # seller S: a (at fault) and c (unchecked)
    assert d["seller.rate"] == pytest.approx((1 + 10 * overall) / (1 + 10), rel=1e-12)  # 0.45455
    assert (d["hs6.count"], d["hs6.found"]) == (3, 1)  # a, b and the unchecked c: 2 labelled
    assert d["hs6.rate"] == pytest.approx((1 + 10 * overall) / (2 + 10), rel=1e-12)
    assert (d["importer_hs6.count"], d["importer_hs6.found"]) == (2, 1)
    f = features["f"]
    assert (f["importer.count"], f["importer.found"]) == (1, 0)  # importer B: c, never checked
    assert f["importer.rate"] == pytest.approx(overall, rel=1e-12)
    assert (f["office.count"], f["office.found"]) == (0, 0)


def test_an_unknown_part_gives_no_count(counted):
    features, _state = counted
    d = features["d"]
    for group in ("declarant", "importer_declarant", "declarant_seller", "declarant_hs6"):
        assert all(math.isnan(d[f"{group}.{part}"]) for part in ("count", "found", "rate")), group
    assert math.isnan(d["courier.count"])  # no courier on any row
    assert (d["importer_seller.count"], d["seller_hs6.count"]) == (1, 2)


def test_unit_value_against_the_median_of_peers_in_the_same_currency(counted):
    features, _state = counted
    d, f = features["d"], features["f"]
    median = (math.log1p(100.0) + math.log1p(200.0)) / 2  # a and b; c is in EUR, no peer
    assert d["unit_value_vs.hs6"] == pytest.approx(math.log1p(60.0) - median, rel=1e-12)
    assert d["unit_value_peers.hs6"] == 2
    assert d["unit_value_vs.hs6_origin"] == pytest.approx(math.log1p(60.0) - median, rel=1e-12)
    assert (f["unit_value_vs.hs6"], f["unit_value_peers.hs6"]) == (pytest.approx(math.log1p(30.0) - math.log1p(50.0)), 1)
    assert (d["number.tax_rate"], d["number.net_mass"], d["number.item_price"]) == (10.0, 10.0, 600.0)
    assert d["number.log_unit_value"] == pytest.approx(math.log1p(60.0))
    assert d["number.log_duty"] == pytest.approx(math.log1p(60.0))  # 600 × 10 %


def test_a_peer_in_another_unit_is_no_peer():
    """Pieces are not kilograms: an item declared per piece is compared with earlier items per piece only."""
    rows = [item("kg", DAY1, net_mass=10.0, item_price=1000.0), item("pce", DAY1, net_mass=4.0, item_price=200.0, unit="PCE"),
            item("next", DAY2, net_mass=5.0, item_price=300.0, unit="PCE")]
    ordered, matrix, _state = history_features(rows)
    features = dict(zip(FEATURE_NAMES, matrix[[r.key for r in ordered].index("next")], strict=True))
    assert features["unit_value_peers.hs6"] == 1  # "pce" only
    assert features["unit_value_vs.hs6"] == pytest.approx(math.log1p(60.0) - math.log1p(50.0), rel=1e-12)


def test_categories_are_coded_from_earlier_days_and_fixed_by_freezing(counted):
    features, state = counted
    # Day 1 added offices in the rows' order (a 03CE, b 01B1); 02CI first appears on day 2.
    assert features["d"]["category.office"] == 1.0
    assert math.isnan(features["f"]["category.office"])
    frozen = state.freeze()
    new_office = item("g", DAY3, office="47NB")
    assert math.isnan(frozen.features(new_office)[INDEX["category.office"]])
    assert frozen.features(item("h", DAY3, office="02CI"))[INDEX["category.office"]] == 2.0
    unseen_code = frozen.features(item("i", DAY3, hs6="999999"))
    assert math.isnan(unseen_code[INDEX["category.hs4"]]) and math.isnan(unseen_code[INDEX["category.hs2"]])
    assert frozen.features(new_office)[INDEX["category.hs4"]] == 0.0  # 8471, the first heading seen


def test_a_frozen_state_is_a_snapshot(counted):
    """Rows the state counts after it was frozen change nothing of the frozen copy."""
    _features, state = counted
    frozen = state.freeze()
    new_rows = [item("g", DAY3, office="47NB", importer="t:importer:Z"), item("h", DAY3, fraud=True)]
    before = [frozen.features(row) for row in new_rows]
    for row in new_rows:
        state.add(row)
    assert all(same(frozen.features(row), vector) for row, vector in zip(new_rows, before, strict=True))


def test_the_state_round_trips_through_json():
    rows = synthetic_rows(n=400, seed=6, days=20)
    _ordered, _matrix, state = history_features(rows)
    loaded = FeatureState.from_json(json.loads(json.dumps(state.to_json())))
    new_rows = synthetic_rows(n=150, seed=8, start=date(2026, 1, 21), days=5) + [
        item("unseen", DAY3, importer="t:importer:new", hs6="010121", office="47NB", currency="KRW", net_mass=0.0)]
    for row in new_rows:
        expected = state.features(row)
        assert same(loaded.features(row), expected)
        assert same(state.freeze().features(row), expected)
    with pytest.raises(ValueError, match=f"feature state format 0, expected {FEATURE_FORMAT}"):
        FeatureState.from_json({**state.to_json(), "format": 0})


def test_the_state_after_a_history_is_the_state_of_its_days():
    """Scoring a new day with the state `history_features` returns gives the features that day's rows
    would get in the history."""
    rows = synthetic_rows(n=300, seed=10, days=15)
    last_day = max(r.declared_on for r in rows) + timedelta(days=1)
    tomorrow = synthetic_rows(n=40, seed=11, start=last_day, days=1, source="next")
    _ordered, _matrix, state = history_features(rows)
    frozen = state.freeze()
    ordered, matrix, _state = history_features(rows + tomorrow)
    in_history = by_key(ordered, matrix)
    for row in tomorrow:
        assert same(frozen.features(row), in_history[row.key])
