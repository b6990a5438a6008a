"""The learned model's "same_goods" group (risk/learned/features.py): earlier goods items with the same
HS code, origin, quantity (in its unit) and price (in its currency) and what their checks found —
counted from earlier days only, like every group — and its words in an explanation."""
import math
from datetime import date

import pytest
from django.utils import translation

from risk.learned.explain import factor_text
from risk.learned.features import FEATURE_NAMES, FeatureState, history_features
from risk.learned.rows import HistoryRow

DAY1, DAY2, DAY3 = date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4)


def item(key: str, day: date, **fields) -> HistoryRow:
    values = {"source": "t", "key": key, "declared_on": day, "office": "03CE", "transport_mode": "sea",
              "importer": f"t:importer:{key}", "declarant": "t:declarant:X", "seller": "", "courier": "",
              "hs6": "847130", "origin_country": "CN", "departure_country": "CN", "tax_rate": 10.0, "tax_type": "MFN",
              "net_mass": 10.0, "item_price": 1000.0, "currency": "USD", "fraud": None}
    return HistoryRow(**{**values, **fields})


# Day 1: the same goods twice (one at fault, one compliant), then the same HS code and origin with one
# part different each time: a cent more, a gram more, pieces instead of kilograms, another currency,
# another origin; and an item with neither quantity nor price. Day 2: the same goods again (unchecked,
# and one at fault that day's other rows must not see).
HISTORY = [
    item("a", DAY1, fraud=True),
    item("b", DAY1, fraud=False),
    item("cent", DAY1, item_price=1000.01, fraud=True),
    item("gram", DAY1, net_mass=10.001, fraud=True),
    item("pieces", DAY1, unit="PCE", fraud=True),
    item("eur", DAY1, currency="EUR", fraud=True),
    item("kr", DAY1, origin_country="KR", fraud=True),
    item("nothing", DAY1, net_mass=0.0, item_price=0.0, fraud=False),
    item("again", DAY2),
    item("again_found", DAY2, fraud=True),
    item("nothing_again", DAY2, net_mass=0.0, item_price=0.0),
    item("pieces_again", DAY2, unit="PCE"),
    item("third", DAY3),
]


@pytest.fixture
def features():
    rows, matrix, state = history_features(list(reversed(HISTORY)))
    return {row.key: dict(zip(FEATURE_NAMES, vector, strict=True)) for row, vector in zip(rows, matrix, strict=True)}, state


def same_goods(vector: dict) -> tuple:
    return vector["same_goods.count"], vector["same_goods.found"], vector["same_goods.rate"]


def test_identical_goods_of_earlier_days_are_counted_with_their_finds(features):
    by_key, _state = features
    overall = (6 + 1) / (8 + 2)  # day 1: 8 labelled, 6 found
    count, found, rate = same_goods(by_key["again"])
    assert (count, found) == (2, 1)  # a and b only: a cent, a gram, another unit, currency or origin is other goods
    assert rate == pytest.approx((1 + 10 * overall) / (2 + 10), rel=1e-12)
    assert same_goods(by_key["again_found"]) == same_goods(by_key["again"])  # its own label and its day's unseen
    assert same_goods(by_key["pieces_again"])[:2] == (1, 1)  # "pieces" only


def test_the_first_day_sees_no_identical_goods_and_unknown_quantity_and_price_give_no_count(features):
    by_key, _state = features
    for key in ("a", "b", "cent", "gram"):
        assert same_goods(by_key[key])[:2] == (0, 0)
    for key in ("nothing", "nothing_again"):
        assert all(math.isnan(value) for value in same_goods(by_key[key]))


def test_the_next_day_counts_the_day_before_and_the_frozen_state_scores_alike(features):
    by_key, state = features
    assert same_goods(by_key["third"])[:2] == (4, 2)  # a, b, again, again_found (3 labelled)
    frozen = FeatureState.from_json(state.freeze().to_json())
    vector = dict(zip(FEATURE_NAMES, frozen.features(item("later", date(2026, 4, 1))), strict=True))
    assert same_goods(vector)[:2] == (5, 2)  # and "third", unchecked


FACTOR = {"factor": "record", "subject": "same_goods", "contribution": 1.2, "params": {"count": 4, "found": 3}}


def test_the_factor_reads_in_english_and_vietnamese():
    with translation.override("en"):
        assert factor_text(FACTOR) == ("Identical goods (same HS code, origin, quantity and price): "
                                       "3 discrepancies found in 4 earlier items")
    with translation.override("vi"):
        assert factor_text(FACTOR) == ("Hàng hóa giống hệt (cùng mã HS, xuất xứ, số lượng và trị giá): "
                                       "phát hiện 3 vi phạm trong 4 mặt hàng trước đây")
