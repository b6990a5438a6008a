"""The learned model's scores of past declarations in a backtest, without leakage.

A backtest asks what rules on `model.score` would have decided at the time. Scoring a past declaration
with the active version's frozen state would use what was learned after it: the counts of its
importer, declarant and seller would include its own outcome and those of later declarations, and
the model would look better in the past than it can be. So each declaration's items get their
features from the history of the days before its registration day only (risk/learned/features.py,
`history_features`, the same walk the model was trained on), and the version's booster scores them.
The categories keep the codes the booster was trained with: the state starts from the artifact's
vocabulary, closed (a value first seen later is unknown to the model, as when it scores live).

One pass for the whole backtest: the portal's history up to the backtest's last day and the outside
sources the version learned from (risk/selectors/model_history.py), a fixed number of queries,
whatever the number of declarations. docs/decisions.md, "Backtesting with the learned model".
"""
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import numpy
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from risk.learned.artifact import ModelArtifact
from risk.learned.features import FEATURE_NAMES, FeatureState, history_features
from risk.learned_models import PORTAL_SOURCE, RiskModelVersion
from risk.models import BacktestRun, RiskRuleVersion
from risk.selectors.hit_rates import MODEL_FIELD
from risk.selectors.model_history import imported_history_rows, portal_history_rows
from risk.services.model_score import SCORE_PLACES, active_model

# The name of the backtest page's model rule, in each language (`model_rule`).
MODEL_RULE_NAME = gettext_noop("Model rule: model.score ≥ %(threshold)s → %(score)s")


def model_in_sample_until(version: RiskModelVersion) -> date | None:
    """The last registration day of the rows the version's booster was fitted on: after its evaluation,
    the model is refitted on every labelled row up to the end of the evaluation window
    (risk/learned/training.py), so declarations registered up to then are in-sample."""
    return version.evaluation_to or version.train_to


def backtest_model_scores(*, declaration_ids, date_to: date, version: RiskModelVersion,
                          artifact: ModelArtifact | None = None) -> dict[int, Decimal]:
    """{declaration id: score} of `declaration_ids` (registered on or before `date_to`), each its most
    suspicious item's, from what was known before its registration day. `artifact`: the version's,
    when the caller has it loaded already (risk.services.model_score.active_model)."""
    wanted = set(declaration_ids)
    if not wanted:
        return {}
    artifact = artifact or ModelArtifact.from_bytes(version.artifact)
    rows = (imported_history_rows(sources=version.include_sources or (), until=date_to)
            + portal_history_rows(until=date_to))
    state = FeatureState(vocabulary=artifact.state.vocabulary, vocabulary_open=False)
    ordered, matrix, _state = history_features(rows, state=state)
    owners, picked = [], []
    for index, row in enumerate(ordered):
        if row.source != PORTAL_SOURCE:
            continue
        declaration_id = int(row.key.split(":", 1)[0])
        if declaration_id in wanted:
            owners.append(declaration_id)
            picked.append(matrix[index])
    if not picked:
        return {}
    scores = artifact.booster.predict(
        numpy.asarray(picked, dtype=numpy.float64).reshape(len(picked), len(FEATURE_NAMES)), num_threads=1)
    best: dict[int, float] = {}
    for declaration_id, score in zip(owners, scores, strict=True):
        if score > best.get(declaration_id, -1.0):
            best[declaration_id] = float(score)
    return {declaration_id: Decimal(str(score)).quantize(SCORE_PLACES, rounding=ROUND_HALF_UP)
            for declaration_id, score in best.items()}


def _uses_model(conditions) -> bool:
    return any(isinstance(condition, dict) and condition.get("field") == MODEL_FIELD for condition in conditions or ())


def backtest_model_for(*, run: BacktestRun, in_force: list[RiskRuleVersion], declarations) -> tuple[dict | None, dict | None]:
    """(scores, the result's "model") of a backtest of `declarations` (a queryset) when a rule of either side
    tests `model.score`: each declaration's leak-free score by the active version, and which version scored
    and up to which day declarations were in its training data (in-sample). (None, None) when no rule
    tests it; (None, {"active": False}) when one does and no model is active: its conditions then hold for
    no declaration, as in the clearance."""
    conditions = [rule["conditions"] for rule in run.rules if rule.get("active") is not False]
    if run.include_current or run.baseline == BacktestRun.Baseline.RULES_IN_FORCE:
        conditions += [version.conditions for version in in_force]
    if not any(_uses_model(entry) for entry in conditions):
        return None, None
    model = active_model()
    if model is None:
        return None, {"active": False}
    version_id, number, artifact = model
    version = RiskModelVersion.objects.only("id", "number", "include_sources", "train_to", "evaluation_to").get(pk=version_id)
    registered = dict(declarations.values_list("id", "registered_at"))
    scores = backtest_model_scores(declaration_ids=list(registered), date_to=run.date_to, version=version,
                                   artifact=artifact)
    until = model_in_sample_until(version)
    in_sample = 0 if until is None else sum(timezone.localdate(at) <= until for at in registered.values())
    return scores, {"active": True, "version": number, "version_id": version_id,
                    "sources": list(version.include_sources or []),
                    "in_sample_until": until.isoformat() if until else None, "in_sample": in_sample,
                    "scored": len(scores)}


def model_rule(*, threshold: Decimal, score: int) -> dict:
    """The inline rule "model.score ≥ threshold → +score" (the backtest page's preset), named in
    Vietnamese and English."""
    values = {"threshold": format(Decimal(threshold).normalize(), "f"), "score": f"{score:+d}"}
    names = {}
    for language in ("vi", "en"):
        with translation.override(language):
            names[language] = _(MODEL_RULE_NAME) % values
    return {"name": names["vi"], "name_en": names["en"], "score": score, "min_channel": "",
            "conditions": [{"field": MODEL_FIELD, "op": "gte", "value": values["threshold"]}]}
