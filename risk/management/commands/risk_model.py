"""`manage.py risk_model train|score|list|activate|rollback|deactivate`: the learned risk model from
the command line, through the same services as the risk admin's page (risk/services/risk_model.py)."""
import csv
import sys

from django.core.management.base import BaseCommand, CommandError

from risk.learned.kcs import KcsFormatError
from risk.learned_models import HistoryItem, RiskModelVersion
from risk.selectors.model_versions import model_version_for_scoring
from risk.services.model_score import history_file_score
from risk.services.risk_model import (
    RiskModelError,
    risk_model_activate,
    risk_model_deactivate,
    risk_model_rollback,
    risk_model_train,
    risk_model_version_create,
)


def metrics_lines(version: RiskModelVersion) -> list[str]:
    metrics = version.metrics or {}
    lines = [f"model v{version.number}: {version.state}"]
    if version.state == RiskModelVersion.State.FAILED:
        return lines + [f"  {version.error_text}"]
    if not metrics:
        return lines
    rows = version.rows or {}
    lines.append(f"  trained on {rows.get('training')} labelled items {version.train_from} – {version.train_to}, "
                 f"evaluated on {rows.get('evaluation')} items {version.evaluation_from} – {version.evaluation_to} "
                 f"(base rate {metrics.get('base_rate')}), then refitted on all {rows.get('labelled')}")
    for share, top in (metrics.get("top") or {}).items():
        lines.append(f"  top {share:>2} %: precision {top['precision']:.3f}, recall {top['recall']:.3f}, "
                     f"lift {top['lift']} ({top['rows']} items)")
    lines.append(f"  AUC {metrics.get('auc')}, Brier {metrics.get('brier')}; trained in {version.training_seconds} s")
    return lines


class Command(BaseCommand):
    help = "Train, list, activate or roll back the learned risk model, or score a file with the active one."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        train = sub.add_parser("train", help="train a new version on the stored history")
        train.add_argument("--source", action="append", dest="sources",
                           help="an imported history source to learn from (default: every imported source)")
        train.add_argument("--seed", type=int, default=7)
        train.add_argument("--activate", action="store_true", help="activate the new version when trained")
        score = sub.add_parser("score", help="score every row of a file in the data set's format")
        score.add_argument("file")
        score.add_argument("--out", required=True, help="the file to write: Declaration ID,score")
        score.add_argument("--version", type=int, help="a version's number (default: the active one)")
        sub.add_parser("list", help="the versions and their evaluation")
        activate = sub.add_parser("activate", help="activate a trained version")
        activate.add_argument("number", type=int)
        sub.add_parser("rollback", help="activate again the version active before the current one")
        sub.add_parser("deactivate", help="score with no model")

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"_{action}")(**options)
        except RiskModelError as error:
            raise CommandError(str(error)) from None

    def _train(self, *, sources, seed, activate, **_options):
        if sources is None:
            sources = sorted(HistoryItem.objects.values_list("source", flat=True).distinct())
        version = risk_model_version_create(user=None, sources=sources, seed=seed, enqueue=False)
        self.stdout.write(f"training model v{version.number} on the portal's history"
                          + (f" and {', '.join(sources)}" if sources else "") + " …")
        version = risk_model_train(version_id=version.pk)
        for line in metrics_lines(version):
            self.stdout.write(line)
        if version.state != RiskModelVersion.State.READY:
            raise CommandError(f"model v{version.number} was not trained: {version.error}")
        if activate:
            risk_model_activate(version_id=version.pk, user=None)
            self.stdout.write(f"model v{version.number} is active")

    def _score(self, *, file, out, version, **_options):
        chosen = model_version_for_scoring(number=version)
        if chosen is None:
            raise CommandError(f"there is no trained version {version}" if version else "no model is active; activate one first")
        try:
            with open(file, encoding="utf-8-sig", newline="") as handle:
                scored = history_file_score(lines=handle, artifact_bytes=chosen.artifact)
        except OSError as error:
            raise CommandError(f"cannot read {file}: {error.strerror}") from None
        except UnicodeDecodeError:
            raise CommandError(f"{file} is not UTF-8 text") from None
        except KcsFormatError as error:
            for line, column, message in error.problems:
                self.stderr.write(f"{file}, line {line}{', ' + column if column else ''}: {message}")
            raise CommandError(f"{file} has {len(error.problems)} bad rows; nothing was scored") from None
        target = sys.stdout if out == "-" else open(out, "w", encoding="utf-8", newline="")
        try:
            writer = csv.writer(target)
            writer.writerow(["Declaration ID", "score"])
            writer.writerows((key, f"{score:.6f}") for key, score in scored)
        finally:
            if target is not sys.stdout:
                target.close()
        self.stderr.write(f"scored {len(scored)} rows with model v{chosen.number} into {out}")

    def _list(self, **_options):
        versions = RiskModelVersion.objects.order_by("number")
        if not versions:
            self.stdout.write("no model version yet: manage.py risk_model train")
        for version in versions:
            for line in metrics_lines(version):
                self.stdout.write(line + ("  [active]" if version.active and line.startswith("model") else ""))

    def _activate(self, *, number, **_options):
        version = RiskModelVersion.objects.filter(number=number).first()
        if version is None:
            raise CommandError(f"there is no version {number}")
        risk_model_activate(version_id=version.pk, user=None)
        self.stdout.write(f"model v{number} is active")

    def _rollback(self, **_options):
        version = risk_model_rollback(user=None)
        self.stdout.write(f"model v{version.number} is active again")

    def _deactivate(self, **_options):
        risk_model_deactivate(user=None)
        self.stdout.write("no model is active")
