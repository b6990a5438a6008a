"""Training, metrics, the stored artifact and the explanation of the learned risk model (pure:
risk/learned/training.py, artifact.py, explain.py). Reproducible to the last bit; refuses a history
it cannot learn from with a plain message; a damaged artifact is always an ArtifactError; the
factors of a score add up to it (SHAP) and read as sentences in English and Vietnamese."""
import dataclasses
import itertools
import json
import math
import random
import zlib
from datetime import date

import numpy
import pytest
from django.utils import translation
from django.utils.translation import gettext

from risk.learned.artifact import ArtifactError, ModelArtifact
from risk.learned.explain import (
    CATEGORY_LABELS,
    NUMBER_LABELS,
    PEER_LABELS,
    TOP_FACTORS,
    factor_direction,
    factor_text,
    factors_of,
)
from risk.learned.features import CATEGORIES, FEATURE_NAMES, GROUP_LABELS, GROUPS, NUMBERS, PEERS
from risk.learned.training import TrainingError, metrics_of, model_train, precision_at
from tests.risk.model_support import synthetic_rows, trained_artifact


def later_rows(n: int = 300):
    """Items of the same parties declared after the synthetic history, scored against the trained state."""
    return synthetic_rows(n=n, seed=21, start=date(2026, 5, 1), days=10)


def test_the_same_rows_and_seed_give_the_same_model_to_the_last_bit():
    first = trained_artifact()
    again = model_train(synthetic_rows(), seed=7)
    rows = later_rows()
    assert numpy.array_equal(first.artifact.scores(rows), again.artifact.scores(rows))
    assert first.metrics == again.metrics
    assert first.artifact.to_bytes() == again.artifact.to_bytes()
    assert (first.train_from, first.train_to, first.evaluation_from, first.evaluation_to, first.rows) == (
        again.train_from, again.train_to, again.evaluation_from, again.evaluation_to, again.rows)
    other_seed = trained_artifact(seed=8)
    assert other_seed.parameters["seed"] == 8 and other_seed.artifact.seed == 8
    assert not numpy.array_equal(first.artifact.scores(rows), other_seed.artifact.scores(rows))  # bagging draws by seed


def test_the_rows_order_does_not_matter():
    shuffled = synthetic_rows()
    random.Random(3).shuffle(shuffled)
    result = model_train(shuffled, seed=7)
    rows = later_rows()
    assert numpy.array_equal(result.artifact.scores(rows), trained_artifact().artifact.scores(rows))
    assert result.metrics == trained_artifact().metrics


def test_the_training_window_and_the_evaluation_on_the_latest_days():
    result = trained_artifact()
    rows = synthetic_rows()
    labelled = sorted(r.declared_on for r in rows if r.fraud is not None)
    assert result.rows["history"] == 1200 and result.rows["labelled"] == len(labelled)
    assert result.rows["training"] + result.rows["evaluation"] == len(labelled)
    assert result.train_from == labelled[0] and result.evaluation_to == labelled[-1]
    assert result.train_to < result.evaluation_from
    assert result.rows["evaluation"] == sum(d >= result.evaluation_from for d in labelled)
    assert result.metrics["rows"] == result.rows["evaluation"]
    # The synthetic signal is learned: the most suspicious tenth holds far more finds than the base rate.
    assert result.metrics["auc"] > 0.7 and result.metrics["top"]["10"]["lift"] > 2
    assert set(result.library_versions) == {"lightgbm", "numpy", "python"}


def test_too_few_labelled_rows_are_refused_with_the_count():
    labelled = [r for r in synthetic_rows() if r.fraud is not None][:199]
    unchecked = [dataclasses.replace(r, fraud=None) for r in synthetic_rows(n=500, seed=2, source="u")]
    with pytest.raises(TrainingError) as error:
        model_train(labelled + unchecked)
    assert str(error.value) == "Only 199 declarations' items have a check's outcome; at least 200 are needed."


def test_a_window_without_enough_finds_is_refused():
    rows = synthetic_rows()
    late = date(2026, 4, 1)
    none_found_late = [dataclasses.replace(r, fraud=False) if r.declared_on >= late and r.fraud else r for r in rows]
    with pytest.raises(TrainingError, match=r"^The evaluation window has 0 items found at fault and \d+ found "
                                            r"compliant; at least 20 of each are needed\. Import more history"):
        model_train(none_found_late)
    none_found_early = [dataclasses.replace(r, fraud=False) if r.declared_on < late and r.fraud else r for r in rows]
    with pytest.raises(TrainingError, match=r"^The training window has \d+ items found at fault"):
        model_train(none_found_early)


def test_metrics_on_a_hand_counted_example():
    """100 rows scored 1.00, 0.99 … 0.01; finds at ranks 0, 2, 3, 7, 12, 40, 60, 90 (8 of 100)."""
    scores = numpy.array([(100 - i) / 100 for i in range(100)])
    labels = numpy.zeros(100)
    labels[[0, 2, 3, 7, 12, 40, 60, 90]] = 1
    metrics = metrics_of(labels, scores)
    assert (metrics["rows"], metrics["positives"], metrics["base_rate"]) == (100, 8, 0.08)
    assert metrics["top"] == {
        "1": {"rows": 1, "precision": 1.0, "recall": 0.125, "lift": 12.5},
        "2": {"rows": 2, "precision": 0.5, "recall": 0.125, "lift": 6.25},
        "5": {"rows": 5, "precision": 0.6, "recall": 0.375, "lift": 7.5},
        "10": {"rows": 10, "precision": 0.4, "recall": 0.5, "lift": 5.0},
    }
    # Negatives scored below each find: 92 + 91 + 91 + 88 + 84 + 57 + 38 + 9 = 550 of 8 × 92 pairs.
    assert metrics["auc"] == round(550 / 736, 4) == 0.7473


def test_metrics_with_ties_and_calibration_bins():
    labels = numpy.array([1, 0, 1, 0, 1], dtype=float)
    scores = numpy.array([0.5, 0.5, 0.8, 0.2, 1.0])
    metrics = metrics_of(labels, scores)
    # Pairs (find, no find): 0.5–0.5 a tie (½), 0.5–0.2, 0.8–0.5, 0.8–0.2, 1.0–0.5, 1.0–0.2: 5.5 of 6.
    assert metrics["auc"] == 0.9167
    assert metrics["brier"] == round((0.25 + 0.25 + 0.04 + 0.04 + 0) / 5, 4) == 0.116
    assert metrics["top"]["1"] == {"rows": 1, "precision": 1.0, "recall": 0.3333, "lift": 1.67}
    bins = {i: (b["rows"], b["mean_score"], b["observed"]) for i, b in enumerate(metrics["calibration"]) if b["rows"]}
    assert bins == {2: (1, 0.2, 0.0), 5: (2, 0.5, 0.5), 8: (1, 0.8, 1.0), 9: (1, 1.0, 1.0)}  # 1.0 in the last bin
    assert [(b["from"], b["to"]) for b in metrics["calibration"]][:2] == [(0.0, 0.1), (0.1, 0.2)]
    assert metrics["calibration"][0] == {"from": 0.0, "to": 0.1, "rows": 0, "mean_score": None, "observed": None}
    # Tied scores are taken in the rows' order.
    assert precision_at(numpy.array([0.0, 1.0, 1.0]), numpy.array([0.5, 0.5, 0.5]), 0.34) == (0.0, 0.0, 1)
    assert metrics_of(numpy.zeros(3), numpy.array([0.1, 0.2, 0.3]))["auc"] is None  # no finds: no AUC


def test_auc_matches_counting_every_pair():
    rng = random.Random(12)
    labels = numpy.array([float(rng.random() < 0.3) for _ in range(300)])
    scores = numpy.array([round(rng.random(), 1) for _ in range(300)])  # many ties
    pairs = [(s_pos > s_neg) + 0.5 * (s_pos == s_neg)
             for s_pos, s_neg in itertools.product(scores[labels == 1], scores[labels == 0])]
    assert metrics_of(labels, scores)["auc"] == round(sum(pairs) / len(pairs), 4)


def test_the_artifact_round_trips():
    artifact = trained_artifact().artifact
    loaded = ModelArtifact.from_bytes(memoryview(artifact.to_bytes()))  # as a BinaryField reads it
    rows = later_rows()
    assert numpy.array_equal(loaded.scores(rows), artifact.scores(rows))
    assert loaded.seed == 7 and loaded.to_bytes() == artifact.to_bytes()
    assert artifact.scores([]).shape == (0,)


def _body() -> dict:
    return json.loads(zlib.decompress(trained_artifact().artifact.to_bytes()))


def _packed(body) -> bytes:
    return zlib.compress(json.dumps(body).encode())


CORRUPT = {
    "not zlib": lambda: b"not a model",
    "empty": lambda: b"",
    "no artifact": lambda: None,
    "cut bytes": lambda: trained_artifact().artifact.to_bytes()[:5000],
    "a changed byte": lambda: (lambda b: b[:4000] + bytes([b[4000] ^ 0xFF]) + b[4001:])(trained_artifact().artifact.to_bytes()),
    "not JSON": lambda: zlib.compress(b"\x00\xff{"),
    "a list": lambda: _packed([1, 2]),
    "other features": lambda: _packed({**_body(), "features": ["importer.count"]}),
    "another format": lambda: _packed({**_body(), "format": 2}),
    "no booster": lambda: _packed({k: v for k, v in _body().items() if k != "booster"}),
    "booster not text": lambda: _packed({**_body(), "booster": 5}),
    "booster cut in its trees": lambda: _packed({**_body(), "booster": _body()["booster"][:300_000]}),
    "booster nonsense": lambda: _packed({**_body(), "booster": "nonsense\nend of trees\n"}),
    "no state": lambda: _packed({k: v for k, v in _body().items() if k != "state"}),
    "state of another format": lambda: _packed({**_body(), "state": {**_body()["state"], "format": 9}}),
    "state incomplete": lambda: _packed({**_body(), "state": {"format": 1}}),
    "state a list": lambda: _packed({**_body(), "state": []}),
    "no seed": lambda: _packed({k: v for k, v in _body().items() if k != "seed"}),
}


@pytest.mark.parametrize("damage", CORRUPT)
def test_a_damaged_artifact_is_an_artifact_error(damage):
    """Never another exception, and never a crash: LightGBM kills the process (SIGSEGV) on a model
    text cut inside its trees, so that is checked before it parses."""
    with pytest.raises(ArtifactError) as error:
        ModelArtifact.from_bytes(CORRUPT[damage]())
    assert type(error.value) is ArtifactError and str(error.value).startswith("the stored model")


def _feature_names_of(factor: dict) -> list[str]:
    subject = factor["subject"]
    return {"record": [f"{subject}.count", f"{subject}.found", f"{subject}.rate"],
            "unit_value": [f"unit_value_vs.{subject}", f"unit_value_peers.{subject}"],
            "number": [f"number.{subject}"], "category": [f"category.{subject}"]}[factor["factor"]]


def test_the_contributions_add_up_to_the_score_and_the_top_factors_to_their_features():
    artifact = trained_artifact().artifact
    rows = later_rows(60)
    matrix = artifact.matrix(rows)
    contributions = artifact.contributions(matrix)
    raw = artifact.booster.predict(matrix, raw_score=True, num_threads=1)
    assert contributions.shape == (60, len(FEATURE_NAMES) + 1)  # the last column is the bias
    numpy.testing.assert_allclose(contributions.sum(axis=1), raw, rtol=0, atol=1e-9)
    numpy.testing.assert_allclose(artifact.scores(rows), 1 / (1 + numpy.exp(-raw)), rtol=0, atol=1e-12)
    index = {name: i for i, name in enumerate(FEATURE_NAMES)}
    for row, vector, row_contributions in zip(rows, matrix, contributions, strict=True):
        factors = factors_of(row, vector, row_contributions)
        assert 0 < len(factors) <= TOP_FACTORS
        sizes = [abs(f["contribution"]) for f in factors]
        assert sizes == sorted(sizes, reverse=True)
        for factor in factors:
            features = [index[name] for name in _feature_names_of(factor)]
            assert factor["contribution"] == round(float(sum(row_contributions[i] for i in features)), 3)
            assert factor_direction(factor) == ("raises" if factor["contribution"] > 0 else "lowers")
        assert json.loads(json.dumps(factors)) == factors  # stored on the assessment as JSON


def test_every_feature_belongs_to_exactly_one_factor():
    """So the factors' contributions, all of them, and the bias add up to the score's log-odds."""
    row = dataclasses.replace(later_rows(1)[0], process_type="B", import_type="11", import_use="21", payment_type="11",
                              origin_indicator="Y")  # every category given (an empty one is never a reason)
    vector = trained_artifact().artifact.matrix([row])[0]
    expected_subjects = {("record", g) for g, _f in GROUPS} | {("unit_value", p) for p, _f in PEERS} | {
        ("number", n) for n in NUMBERS} | {("category", c) for c in CATEGORIES}
    seen = set()
    for i, name in enumerate(FEATURE_NAMES):
        contributions = numpy.zeros(len(FEATURE_NAMES) + 1)
        contributions[i] = 1.0
        factors = factors_of(row, vector, contributions, top=100)
        assert len(factors) == 1 and factors[0]["contribution"] == 1.0, name
        assert name in _feature_names_of(factors[0])
        seen.add((factors[0]["factor"], factors[0]["subject"]))
    assert seen == expected_subjects
    assert factors_of(row, vector, numpy.zeros(len(FEATURE_NAMES) + 1)) == []  # nothing moved the score


def test_an_empty_category_is_never_offered_as_a_reason():
    row = dataclasses.replace(later_rows(1)[0], process_type="", origin_indicator="Y")
    vector = trained_artifact().artifact.matrix([row])[0]
    contributions = numpy.zeros(len(FEATURE_NAMES) + 1)
    contributions[FEATURE_NAMES.index("category.process_type")] = 2.0
    contributions[FEATURE_NAMES.index("category.origin_indicator")] = 1.0
    assert [(f["subject"], f["params"]) for f in factors_of(row, vector, contributions)] == [
        ("origin_indicator", {"value": "Y"})]


def test_the_factors_params_are_the_rows_values():
    row = dataclasses.replace(later_rows(1)[0], tax_rate=12.5, net_mass=40.0, item_price=2000.0, currency="USD",
                              origin_country="CN")
    artifact = trained_artifact().artifact
    vector = artifact.matrix([row])[0]
    factors = {(f["factor"], f["subject"]): f for f in factors_of(row, vector, numpy.ones(len(FEATURE_NAMES) + 1), top=100)}
    index = {name: i for i, name in enumerate(FEATURE_NAMES)}
    importer = factors[("record", "importer")]["params"]
    assert importer == {"count": int(vector[index["importer.count"]]), "found": int(vector[index["importer.found"]])}
    assert importer["count"] > 0
    assert factors[("record", "courier")]["params"] == {"count": None, "found": None}  # no courier: not known
    gap = vector[index["unit_value_vs.hs6"]]
    assert factors[("unit_value", "hs6")]["params"] == {"percent": round((math.exp(gap) - 1) * 100),
                                                        "peers": int(vector[index["unit_value_peers.hs6"]])}
    assert factors[("number", "tax_rate")]["params"] == {"value": 12.5, "currency": "USD", "unit": "KGM"}
    assert factors[("number", "log_unit_value")]["params"] == {"value": 50.0, "currency": "USD", "unit": "KGM"}
    assert factors[("number", "log_duty")]["params"] == {"value": 250.0, "currency": "USD", "unit": "KGM"}
    assert factors[("category", "origin_country")]["params"] == {"value": "CN"}
    assert factors[("category", "hs2")]["params"] == {"value": row.hs6[:2]}


FACTORS = [
    {"factor": "record", "subject": "importer", "contribution": 1.2, "params": {"count": 1234, "found": 3}},
    {"factor": "record", "subject": "seller_hs6", "contribution": 0.4, "params": {"count": 0, "found": 0}},
    {"factor": "record", "subject": "courier", "contribution": -0.1, "params": {"count": None, "found": None}},
    {"factor": "unit_value", "subject": "hs6_origin", "contribution": 0.9, "params": {"percent": -62, "peers": 1480}},
    {"factor": "unit_value", "subject": "hs6", "contribution": -0.2, "params": {"percent": 15, "peers": 12}},
    {"factor": "unit_value", "subject": "hs6", "contribution": 0.1, "params": {"percent": None, "peers": 0}},
    {"factor": "number", "subject": "tax_rate", "contribution": 0.3, "params": {"value": 12.5, "currency": "VND"}},
    {"factor": "number", "subject": "item_price", "contribution": 0.3, "params": {"value": 123456789.4, "currency": "VND"}},
    {"factor": "number", "subject": "log_unit_value", "contribution": 0.3, "params": {"value": None, "currency": "VND"}},
    {"factor": "category", "subject": "origin_country", "contribution": 0.2, "params": {"value": "CN"}},
    {"factor": "category", "subject": "hs4", "contribution": 0.2, "params": {"value": ""}},
]


def test_factors_read_as_sentences_in_english():
    """Each begins with a capital letter, as a sentence on the review page does."""
    with translation.override("en"):
        assert [factor_text(f) for f in FACTORS] == [
            "The importer's record: 3 discrepancies found in 1,234 earlier items",
            "This seller with this HS code: never seen before",
            "The courier's record: not known",
            "Unit value 62 % below the median of 1,480 earlier items of the same HS code and origin",
            "Unit value 15 % above the median of 12 earlier items of the same HS code",
            "Unit value: no earlier items of the same HS code to compare with",
            "Duty rate: 12.5 %",
            "Item price: 123,456,789 VND",
            "Unit value: not known",
            "Country of origin: CN",
            "HS heading: —",
        ]


def test_factors_read_as_sentences_in_vietnamese():
    with translation.override("vi"):
        assert [factor_text(f) for f in FACTORS] == [
            "Lịch sử của nhà nhập khẩu: phát hiện 3 vi phạm trong 1.234 mặt hàng trước đây",
            "Người bán này với mã HS này: chưa từng xuất hiện trước đây",
            "Lịch sử của doanh nghiệp chuyển phát: chưa rõ",
            "Đơn giá thấp hơn 62 % so với trung vị của 1.480 mặt hàng cùng mã HS và xuất xứ trước đây",
            "Đơn giá cao hơn 15 % so với trung vị của 12 mặt hàng cùng mã HS trước đây",
            "Đơn giá: chưa có mặt hàng cùng mã HS nào trước đây để so sánh",
            "Thuế suất thuế nhập khẩu: 12,5 %",
            "Trị giá mặt hàng: 123.456.789 VND",
            "Đơn giá: chưa rõ",
            "Nước xuất xứ: CN",
            "Nhóm HS: —",
        ]


def test_every_subject_has_its_words_in_both_languages():
    """Each group, peer group, number and category of the model has a label, translated (never its code)."""
    assert list(GROUP_LABELS) == [g for g, _f in GROUPS]
    assert list(PEER_LABELS) == [p for p, _f in PEERS]
    assert list(NUMBER_LABELS) == list(NUMBERS)
    assert list(CATEGORY_LABELS) == list(CATEGORIES)
    labels = [*GROUP_LABELS.values(), *PEER_LABELS.values(), *NUMBER_LABELS.values(), *CATEGORY_LABELS.values()]
    with translation.override("vi"):
        untranslated = [label for label in labels if gettext(label) == label]
    assert untranslated == []
