"""The default rule set and reference prices that the demo seed loads (docs/risk-rules.md)."""
from decimal import Decimal

from risk.models import ReferencePrice, RiskRule, RiskSettings
from risk.services.rules import risk_rule_create

DEFAULT_RULES = [
    {
        "name": "Tobacco products",
        "description": "Cigarettes, cigars and other tobacco (HS 2402): physical inspection.",
        "conditions": [{"field": "items.hs_code", "op": "startswith", "value": "2402"}],
        "score": 60, "min_channel": "red",
    },
    {
        "name": "Alcoholic beverages",
        "description": "Beer, wine, spirits (HS 2203–2208): physical inspection.",
        "conditions": [{"field": "items.hs_code", "op": "startswith",
                        "value": ["2203", "2204", "2205", "2206", "2207", "2208"]}],
        "score": 50, "min_channel": "red",
    },
    {
        "name": "Used goods: worn clothing and used tyres",
        "description": "Worn clothing (6309) and used pneumatic tyres (401220) are restricted imports.",
        "conditions": [{"field": "direction", "op": "eq", "value": "import"},
                       {"field": "items.hs_code", "op": "startswith", "value": ["6309", "401220"]}],
        "score": 50, "min_channel": "red",
    },
    {
        "name": "Metal and plastic scrap",
        "description": "Ferrous scrap (7204), plastic scrap (3915) and paper scrap (4707) need an environmental check.",
        "conditions": [{"field": "direction", "op": "eq", "value": "import"},
                       {"field": "items.hs_code", "op": "startswith", "value": ["7204", "3915", "4707"]}],
        "score": 40, "min_channel": "yellow",
    },
    {
        "name": "Motor cars",
        "description": "Cars (HS 8703): document check of type approval and whether they are used.",
        "conditions": [{"field": "direction", "op": "eq", "value": "import"},
                       {"field": "items.hs_code", "op": "startswith", "value": "8703"}],
        "score": 30, "min_channel": "yellow",
    },
    {
        "name": "Specialised management without priority status",
        "description": "Goods under another ministry's management (licence, quarantine, quality check) are "
                       "document-checked unless the enterprise has priority (AEO) status.",
        "conditions": [{"field": "items.specialised_management", "op": "eq", "value": True},
                       {"field": "enterprise.compliance_level", "op": "ne", "value": "priority"}],
        "score": 30, "min_channel": "yellow",
    },
    {
        "name": "New enterprise",
        "description": "Enterprises founded less than 180 days ago.",
        "conditions": [{"field": "enterprise.age_days", "op": "lt", "value": 180}],
        "score": 30, "min_channel": "",
    },
    {
        "name": "Low compliance",
        "description": "Enterprises with a low compliance level.",
        "conditions": [{"field": "enterprise.compliance_level", "op": "eq", "value": "low"}],
        "score": 30, "min_channel": "",
    },
    {
        "name": "Watchlisted partner",
        "description": "The foreign partner is on the watchlist.",
        "conditions": [{"field": "partner.on_watchlist", "op": "eq", "value": True}],
        "score": 80, "min_channel": "red",
    },
    {
        # docs/decisions.md, "Watchlists": 90 is one letter changed in a name of ten.
        "name": "Partner name close to a watchlisted partner",
        "description": "The foreign partner's name is at least 90 % similar to a watchlisted partner's without being "
                       "the same name (one letter changed, a misspelling): an officer checks who it is.",
        "conditions": [{"field": "partner.on_watchlist", "op": "eq", "value": False},
                       {"field": "partner.watchlist_similarity", "op": "gte", "value": 90}],
        "score": 20, "min_channel": "yellow",
    },
    {
        "name": "Watchlisted enterprise",
        "description": "The declaring enterprise is on the watchlist.",
        "conditions": [{"field": "enterprise.on_watchlist", "op": "eq", "value": True}],
        "score": 80, "min_channel": "red",
    },
    {
        "name": "Declared price far below the reference price",
        "description": "A unit price under 70 % of the reference price suggests undervaluation.",
        "conditions": [{"field": "items.unit_price_vs_reference", "op": "lt", "value": "0.7"}],
        "score": 40, "min_channel": "",
    },
    {
        "name": "Priority (AEO) enterprise",
        "description": "Authorised economic operators get a lower score.",
        "conditions": [{"field": "enterprise.compliance_level", "op": "eq", "value": "priority"}],
        "score": -30, "min_channel": "",
    },
]

# Indicative unit values in VND, for the undervaluation rule.
DEFAULT_REFERENCE_PRICES = [
    ("84713020", "PCE", "8000000", "laptops"),
    ("85171300", "PCE", "6000000", "smartphones"),
    ("610910", "PCE", "90000", "cotton T-shirts"),
    ("8703", "PCE", "450000000", "passenger cars"),
    ("22030091", "LTR", "45000", "beer"),
    ("24022090", "PCE", "550", "cigarettes, per stick"),
    ("08051010", "KGM", "28000", "fresh oranges"),
]


def risk_defaults_seed(*, stdout=None) -> None:
    """Load the default rules (by name, once) and reference prices; keep the settings' defaults."""
    RiskSettings.objects.get_or_create(pk=1)
    existing = set(RiskRule.objects.filter(current__isnull=False).values_list("current__name", flat=True))
    created = 0
    for rule in DEFAULT_RULES:
        if rule["name"] not in existing:
            risk_rule_create(user=None, data=dict(rule), change_note="default rule set")
            created += 1
    for hs_code, unit, price, note in DEFAULT_REFERENCE_PRICES:
        ReferencePrice.objects.update_or_create(hs_code=hs_code, unit_id=unit, defaults={"price_vnd": Decimal(price), "note": note})
    if stdout is not None:
        stdout.write(f"Risk rules: {created} created, {len(DEFAULT_RULES) - created} already there\n")
