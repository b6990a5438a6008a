"""The learned risk model on the KCS data set: how well it ranks, how long it trains, how fast it scores.

Trains with `risk.learned.training.model_train` on risk/history_data/kcs/df_syn_train_eng.csv (every
row labelled), then scores df_syn_valid_eng.csv as `manage.py risk_model score` does: the rows are
read unlabelled and each is scored alone against the frozen state of the training history (the
valid file's labels are read only to measure the scores). Prints, per seed:

- precision among the 1/2/5/10 % most suspicious valid rows, recall among the top 5/10 %;
- the model's own evaluation (trained on the training file's earlier 80 % by date, measured on its
  latest 20 %: the metrics stored on the version);
- the training time (features, then the two fits), the artifact's size;
- scoring time per declaration in one batch (features + predict), and one declaration at a time
  (features + predict + SHAP contributions + the plain-word factors) over --single rows.

With --seeds 1,2,3 it also prints the spread (min/mean/max) over the seeds. No database: Django is
configured with minimal settings (only the translation machinery is used).

Run: `.venv/bin/python bench/risk_model.py [--seed 7 | --seeds 1,2,3] [--single 1000]`.
"""
import argparse
import csv
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import django  # noqa: E402
from django.conf import settings  # noqa: E402

if not settings.configured:
    settings.configure(USE_I18N=True, LANGUAGE_CODE="en", USE_TZ=True, INSTALLED_APPS=[],
                       LOCALE_PATHS=[str(ROOT / "locale")])
    django.setup()

import numpy  # noqa: E402

from risk.learned.artifact import ModelArtifact  # noqa: E402
from risk.learned.explain import factors_of  # noqa: E402
from risk.learned.kcs import kcs_rows_read  # noqa: E402
from risk.learned.training import metrics_of, model_train, precision_at  # noqa: E402

DATA = ROOT / "risk" / "history_data" / "kcs"


def read(name: str, *, labelled: bool):
    with open(DATA / name, encoding="utf-8-sig", newline="") as handle:
        rows = kcs_rows_read(handle, labelled=labelled)
    with open(DATA / name, encoding="utf-8-sig", newline="") as handle:
        labels = numpy.asarray([1.0 if record["Fraud"].strip() == "1" else 0.0 for record in csv.DictReader(handle)])
    return rows, labels


def run(seed: int, train_rows, valid_rows, valid_labels, *, single: int) -> dict:
    marks = {}
    started = time.perf_counter()

    def progress(percent: int, note: str) -> None:
        marks.setdefault(note, time.perf_counter() - started)

    result = model_train(train_rows, seed=seed, progress=progress)
    total = time.perf_counter() - started
    artifact = ModelArtifact.from_bytes(result.artifact.to_bytes())  # as the worker loads it
    size = len(result.artifact.to_bytes())

    batch_started = time.perf_counter()
    matrix = artifact.matrix(valid_rows)
    scores = artifact.booster.predict(matrix, num_threads=1)
    batch_seconds = time.perf_counter() - batch_started

    count = min(single, len(valid_rows))
    timings = []
    for row in valid_rows[:count]:
        one_started = time.perf_counter()
        vector = artifact.matrix([row])
        artifact.booster.predict(vector, num_threads=1)
        contributions = artifact.contributions(vector)
        factors_of(row, vector[0], contributions[0])
        timings.append(time.perf_counter() - one_started)
    timings.sort()

    valid = {}
    for share in (0.01, 0.02, 0.05, 0.10):
        precision, recall, n = precision_at(valid_labels, scores, share)
        valid[round(share * 100)] = (precision, recall, n)
    auc = metrics_of(valid_labels, scores)["auc"]
    features_seconds = marks.get("evaluation model", total)
    return {
        "seed": seed, "valid": valid, "valid_auc": auc, "internal": result.metrics, "result": result,
        "training": result.seconds, "features": features_seconds, "fits": total - features_seconds,
        "size": size, "batch_ms": batch_seconds * 1000 / len(valid_rows),
        "single_ms": statistics.mean(timings) * 1000, "single_p50": timings[len(timings) // 2] * 1000,
        "single_p95": timings[int(len(timings) * 0.95)] * 1000, "single_rows": count,
    }


def print_run(figures: dict, valid_labels: numpy.ndarray) -> None:
    result, internal = figures["result"], figures["internal"]
    print(f"seed {figures['seed']}")
    print(f"  valid ({len(valid_labels)} rows, base rate {valid_labels.mean():.4f}): "
          + ", ".join(f"p@{share}% {figures['valid'][share][0]:.4f}" for share in (1, 2, 5, 10))
          + f"; recall@5% {figures['valid'][5][1]:.4f}, recall@10% {figures['valid'][10][1]:.4f}; AUC {figures['valid_auc']}")
    print(f"  internal evaluation ({result.rows['training']} rows {result.train_from} – {result.train_to} → "
          f"{result.rows['evaluation']} rows {result.evaluation_from} – {result.evaluation_to}, base rate {internal['base_rate']}): "
          + ", ".join(f"p@{share}% {top['precision']:.4f}" for share, top in internal["top"].items())
          + f"; recall@5% {internal['top']['5']['recall']:.4f}, recall@10% {internal['top']['10']['recall']:.4f}; "
          f"AUC {internal['auc']}, Brier {internal['brier']}")
    print(f"  training {figures['training']:.2f} s (features {figures['features']:.2f} s, fits + artifact "
          f"{figures['fits']:.2f} s); artifact {figures['size'] / 1024:.0f} KiB")
    print(f"  scoring: batch {figures['batch_ms']:.3f} ms/declaration; one at a time (features + predict + "
          f"contributions + factors, {figures['single_rows']} rows) mean {figures['single_ms']:.3f} ms, "
          f"p50 {figures['single_p50']:.3f} ms, p95 {figures['single_p95']:.3f} ms")


def spread(name: str, values: list[float], places: int = 4) -> str:
    return (f"  {name:<22} min {min(values):.{places}f}  mean {statistics.mean(values):.{places}f}  "
            f"max {max(values):.{places}f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--seeds", help="comma-separated seeds, e.g. 1,2,3: one run each and their spread")
    parser.add_argument("--single", type=int, default=1000, help="rows scored one at a time")
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")] if args.seeds else [args.seed]

    with open("/proc/loadavg") as handle:
        print(f"load average at start: {' '.join(handle.read().split()[:3])}")
    train_rows, _train_labels = read("df_syn_train_eng.csv", labelled=True)
    valid_rows, valid_labels = read("df_syn_valid_eng.csv", labelled=False)
    print(f"train: {len(train_rows)} rows, valid: {len(valid_rows)} rows (scored unlabelled, each alone)")
    runs = []
    for seed in seeds:
        figures = run(seed, train_rows, valid_rows, valid_labels, single=args.single)
        print_run(figures, valid_labels)
        runs.append(figures)
    if len(runs) > 1:
        print(f"spread over seeds {','.join(map(str, seeds))}:")
        for share in (1, 2, 5, 10):
            print(spread(f"valid p@{share}%", [r["valid"][share][0] for r in runs]))
        for share in (5, 10):
            print(spread(f"valid recall@{share}%", [r["valid"][share][1] for r in runs]))
        for share in ("1", "2", "5", "10"):
            print(spread(f"internal p@{share}%", [r["internal"]["top"][share]["precision"] for r in runs]))
        print(spread("internal AUC", [r["internal"]["auc"] for r in runs]))
        print(spread("training s", [r["training"] for r in runs], 2))
        print(spread("single ms", [r["single_ms"] for r in runs], 3))
    with open("/proc/loadavg") as handle:
        print(f"load average at end: {' '.join(handle.read().split()[:3])}")


if __name__ == "__main__":
    main()
