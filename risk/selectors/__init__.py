"""Reads of risk: rules, settings, assessments, watchlists, reference prices, and what the engine
reads of a declaration.

As in every app, the reads compiled once (`customs_portal.prepared`) and raw SQL live here only, each
as a named selector (the first section); tests/risk/test_selectors_against_orm.py compares them with
the ORM.
"""
from decimal import Decimal

from django.db import connection
from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.fields.json import KT

from customs_portal.accounts.models import Enterprise
from customs_portal.languages import english_active, in_active_language
from customs_portal.prepared import PreparedQuery
from declarations.models import GoodsItem
from reference.models import Country, HSCode, TariffLine, Unit
from risk.learned_models import RiskModelVersion
from risk.models import (
    Assessment,
    BacktestRun,
    ReferencePrice,
    RiskChange,
    RiskRule,
    RiskRuleVersion,
    RiskSettings,
    WatchlistChange,
    WatchlistedPartner,
)
from risk.names import partner_name_key

# What the engine reads of a goods item and its tariff line. The rest of the rows (amounts, the
# rates applied, the tariff's descriptions and preferential schedule as JSON) is not loaded:
# reading it took half the time of gathering the facts.
ITEM_FIELDS = ("declaration", "line_no", "hs_code", "origin_country", "preference", "description", "unit_price",
               "unit", "tariff_line", "tariff_line__specialised_procedures", "permits",
               # the learned model's row (risk/selectors/model_history.py::portal_row), with `duty_rate`
               "quantity", "taxable_value", "line_value")


def items_for_facts(items: QuerySet[GoodsItem]) -> QuerySet[GoodsItem]:
    """`items` with what `risk.services.facts.declaration_facts` needs of them, in line order."""
    return (items.select_related("tariff_line").only(*ITEM_FIELDS)
            .annotate(duty_rate=KT("rates__import_duty__rate")).order_by("line_no"))


# Read on every assessment: compiled once (customs_portal.prepared).
_items_for_facts = PreparedQuery(lambda declaration_id: items_for_facts(GoodsItem.objects.filter(declaration_id=declaration_id)))
_settings = PreparedQuery(lambda: RiskSettings.objects.filter(pk=1))
_assessment_of_version = PreparedQuery(
    lambda declaration_id, version: Assessment.objects.filter(declaration_id=declaration_id, declaration_version=version).order_by("pk")
)
_newest_rule_version = PreparedQuery(lambda: RiskRuleVersion.objects.order_by("-id").values_list("id", flat=True))
_newest_watchlist_change = PreparedQuery(lambda: WatchlistChange.objects.order_by("-id").values_list("id", flat=True))
# The country's own entry first.
_listed_partner = PreparedQuery(lambda name_key, country: WatchlistedPartner.objects.filter(
    Q(country="") | Q(country=country), name_key=name_key, active=True
).order_by("-country", "id").only("pk", "name", "country"))


def declaration_items_for_facts(*, declaration_id: int) -> list[GoodsItem]:
    """The declaration's goods items as the engine reads them (`items_for_facts`)."""
    return _items_for_facts(declaration_id=declaration_id)


def risk_settings_stored() -> RiskSettings | None:
    """The one row of risk settings, or None before it was first written (`risk_settings_current`)."""
    return _settings.first()


def assessment_of_version(*, declaration_id: int, version: int) -> Assessment | None:
    """The assessment of one version of a declaration (the first, should there be more), or None."""
    return _assessment_of_version.first(declaration_id=declaration_id, version=version)


def rule_set_key() -> int:
    """Every change to any rule creates a version, so the newest version id names the rule set (0: no rule yet)."""
    return _newest_rule_version.first() or 0


def watchlist_key() -> int:
    """Every change to the watchlist writes a `WatchlistChange`, so the newest one names its state (0: none yet)."""
    return _newest_watchlist_change.first() or 0


def watchlisted_partner_listed(*, name_key: str, country: str) -> WatchlistedPartner | None:
    """The active partner listed under exactly `name_key`, in `country` (preferred) or in any country:
    one indexed look-up per assessment. Only its id, name and country are loaded."""
    return _listed_partner.first(name_key=name_key, country=country)


def reference_prices_for(*, hs_prefixes: list[str], units: list[str]) -> dict[tuple[str, str], Decimal]:
    """{(HS code prefix, unit): reference price in VND} of the prices under any of `hs_prefixes` in any
    of `units`. Two array parameters keep the SQL the same whatever the number of values (Django's
    `__in` writes one parameter per value, so its SQL would be compiled again for every declaration)."""
    hs_code, unit, price = (ReferencePrice._meta.get_field(name).column for name in ("hs_code", "unit", "price_vnd"))
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT "{hs_code}", "{unit}", "{price}" FROM "{ReferencePrice._meta.db_table}" '
            f'WHERE "{hs_code}" = ANY(%s) AND "{unit}" = ANY(%s)',
            [hs_prefixes, units],
        )
        return {(code, unit_code): value for code, unit_code, value in cursor.fetchall()}


def risk_rules(*, with_versions: bool = False) -> QuerySet[RiskRule]:
    qs = RiskRule.objects.select_related("current", "current__created_by").order_by("id")
    if with_versions:
        qs = qs.prefetch_related(Prefetch("versions", queryset=RiskRuleVersion.objects.select_related("created_by").order_by("-version")))
    return qs


def assessment_latest(*, declaration_id: int) -> Assessment | None:
    """The newest assessment of a declaration (of its latest assessed version), or None; with the number of
    the model version that scored it (not its artifact)."""
    return (Assessment.objects.filter(declaration_id=declaration_id)
            .select_related("model_version").defer("model_version__artifact")
            .order_by("-declaration_version", "-id").first())


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


# --- Reads of the risk administration pages ---------------------------------------------------

def risk_rule_counts() -> dict[str, int]:
    """How many rules there are, and how many of them are active (the rule list's tabs)."""
    rules = RiskRule.objects.all()
    return {"all": rules.count(), "active": rules.filter(current__active=True).count()}


def risk_rules_matching(*, state: str = "", q: str = "") -> QuerySet[RiskRule]:
    """The rule list: only "active" or "inactive" ones if `state` says so, whose name (in either
    language) contains `q`."""
    rules = risk_rules()
    if state:
        rules = rules.filter(current__active=state == "active")
    q = (q or "").strip()
    if q:
        rules = rules.filter(Q(current__name_vi__icontains=q) | Q(current__name_en__icontains=q))
    return rules


def risk_change_pending(*, rule_id: int) -> RiskChange | None:
    """The newest change of a rule that was previewed and not applied, or None."""
    return (RiskChange.objects.filter(rule_id=rule_id, applied_at__isnull=True).select_related("created_by")
            .order_by("-created_at", "-id").first())


def risk_changes() -> QuerySet[RiskChange]:
    """Changes with what their page shows of them: the preview's run, the rule and who made and applied it."""
    return RiskChange.objects.select_related("preview", "rule", "rule__current", "created_by", "applied_by")


def backtest_runs() -> QuerySet[BacktestRun]:
    return BacktestRun.objects.select_related("created_by")


def backtest_runs_recent(*, limit: int) -> list[BacktestRun]:
    """The newest backtests started from the backtest page (not the previews of changes)."""
    return list(backtest_runs().filter(change__isnull=True).order_by("-created_at")[:limit])


def model_version_active() -> RiskModelVersion | None:
    """The active learned model's version (its number and training window, not its artifact), or None."""
    return RiskModelVersion.objects.filter(active=True).only("id", "number", "train_to", "evaluation_to").first()


def backtest_run_is_preview(*, run: BacktestRun) -> bool:
    """Whether the run is the preview of a change (its two sides are then "now" and "with the change")."""
    return RiskChange.objects.filter(preview=run).exists()


def enterprises_for_compliance(*, q: str = "", level: str = "", watchlist: str = "") -> QuerySet[Enterprise]:
    """The enterprises page: by tax code prefix or a part of the name, compliance level and
    watchlist flag ("yes"/"no")."""
    enterprises = Enterprise.objects.order_by("name", "tax_code")
    q = (q or "").strip()
    if q:
        enterprises = enterprises.filter(Q(tax_code__startswith=q) | Q(name__icontains=q))
    if level:
        enterprises = enterprises.filter(compliance_level=level)
    if watchlist:
        enterprises = enterprises.filter(on_watchlist=watchlist == "yes")
    return enterprises


def country_names(*, codes) -> dict[str, str]:
    """The name of each country code in the reader's language (codes not in the table are left out)."""
    return {code: country.name for code, country in Country.objects.in_bulk(set(codes)).items()}


def countries_for_choice() -> QuerySet[Country]:
    return Country.objects.order_by("code").only("code", "name_vi", "name_en")


def units_for_choice() -> QuerySet[Unit]:
    return Unit.objects.order_by("code")


def hs_descriptions(*, codes) -> dict[str, str]:
    """The tariff description of each 8-digit code, the HS description of each 2/4/6-digit prefix."""
    english = english_active()
    found = {}
    for line in TariffLine.objects.filter(hs_code__in=[c for c in codes if len(c) == 8]).only(
            "hs_code", "description_vi", "description_en"):
        found[line.hs_code] = (line.description_en if english and line.description_en else line.description_vi).lstrip("- –")
    for heading in HSCode.objects.filter(code__in=[c for c in codes if len(c) in (2, 4, 6)]).only("code", "description"):
        found[heading.code] = heading.description
    return found


def rule_version_descriptions(*, keys) -> dict[tuple[int, int], str]:
    """The description (in the reader's language) of each (rule id, version) in `keys`."""
    return {
        (version.rule_id, version.version): version.description
        for version in RiskRuleVersion.objects.filter(rule_id__in={rule for rule, _ in keys})
        .only("rule_id", "version", "description_vi", "description_en")
        if (version.rule_id, version.version) in keys
    }
