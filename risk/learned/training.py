"""Training and evaluation of the learned risk model (LightGBM gradient boosting; docs/decisions.md,
"The learned risk model", says why this library and these parameters).

`model_train` computes the features of the whole history once (risk/learned/features.py), holds out
the latest window of labelled rows, trains on the labelled rows before it and measures the model on
the window (`metrics`), then refits on every labelled row and keeps the state after the last day for
scoring. Seeded and single-threaded per tree build (`deterministic`): the same rows and seed give the
same model and the same scores.
"""
import json
import platform
import time
from dataclasses import dataclass
from datetime import date

import lightgbm
import numpy
from django.utils.translation import gettext, gettext_noop

from risk.learned.artifact import ModelArtifact
from risk.learned.features import CATEGORY_INDEXES, FEATURE_NAMES, history_features

# Chosen on the KCS data set's own evaluation (bench/risk_model.py; docs/decisions.md, "The learned risk
# model"): small trees; categories (HS heading, countries…) split only on groups of 200 rows or more,
# their rates smoothed (cat_smooth) and at most 16 values per split, which was worth +0.006 precision
# among the top 10 %; 200 rounds rank as well as 400 and halve the fits and the explanations' cost.
DEFAULT_PARAMETERS = {
    "objective": "binary",
    "num_iterations": 200,
    "learning_rate": 0.05,
    "num_leaves": 15,
    "min_data_in_leaf": 40,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "feature_fraction": 0.8,
    "cat_smooth": 50,
    "min_data_per_group": 200,
    "max_cat_threshold": 16,
    "deterministic": True,
    "force_row_wise": True,
    "num_threads": 1,
    "verbosity": -1,
}
EVALUATION_SHARE = 0.2  # the latest fifth of the labelled rows, by date
TOP_SHARES = (0.01, 0.02, 0.05, 0.10)
MIN_LABELLED = 200
MIN_CLASS = 20  # positives and negatives in each part


# Why a history cannot train a model, in plain words; stored with their parameters on the version and
# worded in the reader's language when shown (`training_error_text`).
TRAINING_ERRORS = {
    "too_few_labelled": gettext_noop(
        "Only %(labelled)s declarations' items have a check's outcome; at least %(needed)s are needed."),
    "too_few_training": gettext_noop(
        "The training window has %(positives)s items found at fault and %(negatives)s found compliant; "
        "at least %(needed)s of each are needed."),
    "too_few_evaluation": gettext_noop(
        "The evaluation window has %(positives)s items found at fault and %(negatives)s found compliant; "
        "at least %(needed)s of each are needed. Import more history (the data set shipped with the portal, "
        "for one) and include it."),
}


class TrainingError(ValueError):
    """The history cannot train a model; the message says why, in plain words (English; `stored()`
    keeps the code and parameters so that a page words it in its reader's language)."""

    def __init__(self, code: str, **params):
        self.code, self.params = code, params
        super().__init__(TRAINING_ERRORS[code] % params)

    def stored(self) -> str:
        return json.dumps({"code": self.code, "params": self.params})


def training_error_text(stored: str) -> str:
    """A version's stored error in the active language (a TrainingError's), or as it was stored."""
    try:
        data = json.loads(stored)
        return gettext(TRAINING_ERRORS[data["code"]]) % data["params"]
    except (ValueError, KeyError, TypeError):
        return stored


@dataclass
class TrainingResult:
    artifact: ModelArtifact
    metrics: dict
    train_from: date
    train_to: date
    evaluation_from: date
    evaluation_to: date
    rows: dict
    parameters: dict
    library_versions: dict
    seconds: float


def library_versions() -> dict:
    return {"lightgbm": lightgbm.__version__, "numpy": numpy.__version__, "python": platform.python_version()}


def precision_at(labels: numpy.ndarray, scores: numpy.ndarray, share: float) -> tuple[float, float, int]:
    """(precision, recall, n) among the `share` most suspicious rows (ties broken by position)."""
    n = max(1, int(len(labels) * share))
    order = numpy.argsort(-scores, kind="stable")[:n]
    found = float(labels[order].sum())
    positives = float(labels.sum())
    return found / n, (found / positives if positives else 0.0), n


def metrics_of(labels: numpy.ndarray, scores: numpy.ndarray) -> dict:
    """Precision, recall and lift among the top 1/2/5/10 %, ROC AUC, Brier score and calibration
    (ten bins of the predicted score: rows, mean score, observed rate)."""
    base = float(labels.mean()) if len(labels) else 0.0
    top = {}
    for share in TOP_SHARES:
        precision, recall, n = precision_at(labels, scores, share)
        top[f"{round(share * 100)}"] = {"rows": n, "precision": round(precision, 4), "recall": round(recall, 4),
                                        "lift": round(precision / base, 2) if base else None}
    # AUC by ranks (Mann–Whitney), ties averaged.
    order = numpy.argsort(scores, kind="stable")
    ranks = numpy.empty(len(scores))
    sorted_scores = scores[order]
    i = 0
    while i < len(scores):
        j = i
        while j + 1 < len(scores) and sorted_scores[j + 1] == sorted_scores[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2.0 + 1
        i = j + 1
    positives = labels.sum()
    negatives = len(labels) - positives
    auc = ((ranks[labels == 1].sum() - positives * (positives + 1) / 2) / (positives * negatives)
           if positives and negatives else None)
    calibration = []
    for low in range(10):
        lo, hi = low / 10, (low + 1) / 10
        mask = (scores >= lo) & ((scores < hi) if low < 9 else (scores <= hi))
        count = int(mask.sum())
        calibration.append({"from": lo, "to": hi, "rows": count,
                            "mean_score": round(float(scores[mask].mean()), 4) if count else None,
                            "observed": round(float(labels[mask].mean()), 4) if count else None})
    return {"rows": int(len(labels)), "positives": int(positives), "base_rate": round(base, 4), "top": top,
            "auc": round(float(auc), 4) if auc is not None else None,
            "brier": round(float(((scores - labels) ** 2).mean()), 4) if len(labels) else None,
            "calibration": calibration}


def _fit(matrix: numpy.ndarray, labels: numpy.ndarray, parameters: dict, seed: int) -> lightgbm.Booster:
    params = {**parameters, "seed": seed}
    rounds = params.pop("num_iterations")
    data = lightgbm.Dataset(matrix, label=labels, feature_name=[n.replace(".", "__") for n in FEATURE_NAMES],
                            categorical_feature=list(CATEGORY_INDEXES), free_raw_data=True,
                            params={"verbosity": -1, "max_bin": 255})
    return lightgbm.train(params, data, num_boost_round=rounds)


def model_train(rows, *, seed: int = 7, parameters: dict | None = None, progress=None) -> TrainingResult:
    """Train on `rows` (HistoryRow, any order). `progress(percent, note)` is told how far it is."""
    started = time.perf_counter()
    parameters = {**DEFAULT_PARAMETERS, **(parameters or {})}

    def report(percent: int, note: str) -> None:
        if progress is not None:
            progress(percent, note)

    report(5, "features")
    ordered, matrix, state = history_features(
        rows, progress=lambda done, total: report(5 + int(45 * done / max(total, 1)), "features"))
    labelled = [i for i, row in enumerate(ordered) if row.fraud is not None]
    if len(labelled) < MIN_LABELLED:
        raise TrainingError("too_few_labelled", labelled=len(labelled), needed=MIN_LABELLED)
    split = labelled[int(len(labelled) * (1 - EVALUATION_SHARE))]
    split_date = ordered[split].declared_on
    train_idx = [i for i in labelled if ordered[i].declared_on < split_date]
    eval_idx = [i for i in labelled if ordered[i].declared_on >= split_date]
    features = numpy.asarray(matrix, dtype=numpy.float64)
    labels = numpy.asarray([1.0 if ordered[i].fraud else 0.0 for i in range(len(ordered))])
    for part, idx in (("training", train_idx), ("evaluation", eval_idx)):
        positives = int(labels[idx].sum()) if idx else 0
        if positives < MIN_CLASS or len(idx) - positives < MIN_CLASS:
            raise TrainingError(f"too_few_{part}", positives=positives, negatives=len(idx) - positives, needed=MIN_CLASS)
    report(55, "evaluation model")
    evaluation_model = _fit(features[train_idx], labels[train_idx], parameters, seed)
    eval_scores = evaluation_model.predict(features[eval_idx], num_threads=1)
    metrics = metrics_of(labels[eval_idx], eval_scores)
    report(75, "final model")
    final = _fit(features[labelled], labels[labelled], parameters, seed)
    report(95, "storing")
    sources: dict[str, dict] = {}
    for row in ordered:
        counts = sources.setdefault(row.source, {"rows": 0, "labelled": 0, "positives": 0})
        counts["rows"] += 1
        if row.fraud is not None:
            counts["labelled"] += 1
            counts["positives"] += int(row.fraud)
    artifact = ModelArtifact(booster=final, state=state.freeze(), seed=seed)
    return TrainingResult(
        artifact=artifact, metrics=metrics,
        train_from=ordered[labelled[0]].declared_on, train_to=ordered[train_idx[-1]].declared_on,
        evaluation_from=split_date, evaluation_to=ordered[eval_idx[-1]].declared_on,
        rows={"history": len(ordered), "labelled": len(labelled), "positives": int(labels[labelled].sum()),
              "training": len(train_idx), "evaluation": len(eval_idx), "sources": sources},
        parameters={**parameters, "seed": seed}, library_versions=library_versions(),
        seconds=round(time.perf_counter() - started, 2),
    )
