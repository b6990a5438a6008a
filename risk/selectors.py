from django.db.models import Prefetch, QuerySet

from risk.models import RiskRule, RiskRuleVersion


def risk_rules(*, with_versions: bool = False) -> QuerySet[RiskRule]:
    qs = RiskRule.objects.select_related("current", "current__created_by").order_by("id")
    if with_versions:
        qs = qs.prefetch_related(Prefetch("versions", queryset=RiskRuleVersion.objects.select_related("created_by").order_by("-version")))
    return qs


def assessment_latest(*, declaration_id: int):
    """The newest assessment of a declaration (of its latest assessed version), or None."""
    from risk.models import Assessment

    return Assessment.objects.filter(declaration_id=declaration_id).order_by("-declaration_version", "-id").first()
