"""The learned model's part in one assessment, as customs staff read it: the version that scored the
declaration, its score, the goods item the score is that of, and the factors that moved it most in
words (risk/learned/explain.py), each raising or lowering it.

One shape for the officer's review page (`risk.explanation.risk_explanation`) and the API's `risk`
block (`risk.api.serializers.RiskExplanationSerializer`). Both are for customs staff only: traders
never get the score, the version or the factors (tests/risk/test_model_visibility.py).
"""
from decimal import Decimal

from django.utils.text import capfirst
from django.utils.translation import gettext_lazy

from customs_portal.localization import number_text, number_trimmed
from risk.learned.explain import factor_direction, factor_text
from risk.models import Assessment

DIRECTIONS = {"raises": gettext_lazy("raises the score"), "lowers": gettext_lazy("lowers the score")}


def score_percent_text(score: Decimal) -> str:
    """A score in [0, 1] as a percentage to one decimal, the reader's way: "87,3 %" / "87.3 %"."""
    return f"{number_text(score * 100, places=1)} %"


def model_explanation(assessment: Assessment) -> dict | None:
    """The model's view of the assessment, or None when no model scored it.

    {"version", "score" (Decimal 0–1), "score_text" ("0,8731", as rules on model.score compare it),
    "score_percent" ("87,3 %"), "line_no", "factors": [{"text", "direction", "direction_text",
    "contribution" (log-odds)}]}. Reads `assessment.model_version` (select_related by
    `risk.selectors.assessment_latest`)."""
    if assessment.model_version_id is None or assessment.model_score is None:
        return None
    score = assessment.model_score
    stored = [factor for factor in assessment.model_factors or [] if isinstance(factor, dict)]
    factors = []
    for factor in stored:
        direction = factor_direction(factor)
        factors.append({"text": capfirst(factor_text(factor)), "direction": direction, "direction_text": str(DIRECTIONS[direction]),
                        "contribution": factor.get("contribution")})
    return {
        "version": assessment.model_version.number,
        "score": score,
        "score_text": number_text(number_trimmed(score)),
        "score_percent": score_percent_text(score),
        "line_no": stored[0].get("line_no") if stored else None,
        "factors": factors,
    }
