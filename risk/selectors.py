from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery

from customs_portal.languages import in_active_language
from risk.models import Assessment, ReferencePrice, RiskRule, RiskRuleVersion, WatchlistedPartner
from risk.names import partner_name_key


def risk_rules(*, with_versions: bool = False) -> QuerySet[RiskRule]:
    qs = RiskRule.objects.select_related("current", "current__created_by").order_by("id")
    if with_versions:
        qs = qs.prefetch_related(Prefetch("versions", queryset=RiskRuleVersion.objects.select_related("created_by").order_by("-version")))
    return qs


def assessment_latest(*, declaration_id: int) -> Assessment | None:
    """The newest assessment of a declaration (of its latest assessed version), or None."""
    return Assessment.objects.filter(declaration_id=declaration_id).order_by("-declaration_version", "-id").first()


def assessment_current_annotations() -> dict[str, Subquery]:
    """The score and fired rules of a declaration's assessment of its current version, as annotations
    for a queryset of declarations (`risk_score`, `fired_rules`: declarations' review queue)."""
    current = Assessment.objects.filter(declaration=OuterRef("pk"), declaration_version=OuterRef("version"))
    return {"risk_score": Subquery(current.values("score")[:1]), "fired_rules": Subquery(current.values("fired_rules")[:1])}


def fired_rule_name(fired: dict) -> str:
    """The name of a rule that fired (an entry of `Assessment.fired_rules`) in the reader's language.

    The engine records both names (`name` in Vietnamese, `name_en`); assessments made before
    rules had names in both languages recorded `name` only."""
    return in_active_language(fired.get("name", ""), fired.get("name_en", ""))


def watchlisted_partners(*, active: bool | None = True, q: str = "") -> QuerySet[WatchlistedPartner]:
    """The watchlist for the list page and the API, optionally only (in)active ones or matching `q`
    (a part of the name, of its key, or the country)."""
    partners = WatchlistedPartner.objects.order_by("name", "country")
    if active is not None:
        partners = partners.filter(active=active)
    q = (q or "").strip()
    if q:
        # By the key too, so that "acme ltd." or a look-alike spelling finds "ACME LTD" (risk.names).
        partners = partners.filter(Q(name__icontains=q) | Q(name_key__contains=partner_name_key(q)) | Q(country__iexact=q))
    return partners


def reference_prices(*, q: str = "") -> QuerySet[ReferencePrice]:
    """Reference prices for the list page and the API; `q` is an HS code prefix or a unit code."""
    prices = ReferencePrice.objects.select_related("unit").order_by("hs_code", "unit_id")
    q = (q or "").strip()
    if q.isdigit():
        # Prices under the prefix, and the shorter prefixes that would apply to it.
        prices = prices.filter(Q(hs_code__startswith=q[:8]) | Q(hs_code__in=[q[:n] for n in range(2, min(len(q), 8) + 1)]))
    elif q:
        prices = prices.filter(unit_id=q.upper())
    return prices
