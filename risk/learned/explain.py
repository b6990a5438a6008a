"""Why the model gave one declaration its score, in plain words for officers.

LightGBM splits each score (in log-odds) into per-feature contributions (SHAP values). The features
of one subject — a party's count, its finds and its rate; the unit value against one peer group —
are summed into one factor, so an officer reads "the importer's record: 3 discrepancies in 12
earlier items" rather than three numbers. `factors_of` keeps the data (stored on the assessment, in
no language); `factor_text` words it in the reader's language when it is shown.
"""
import math

from django.utils.formats import number_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from risk.learned.features import CATEGORIES, FEATURE_NAMES, GROUP_LABELS, NUMBERS, PEERS
from risk.learned.rows import HistoryRow

TOP_FACTORS = 5

CATEGORY_LABELS = {
    "office": gettext_noop("Customs office"),
    "process_type": gettext_noop("Process type"),
    "import_type": gettext_noop("Type of declaration"),
    "import_use": gettext_noop("Use of the goods"),
    "payment_type": gettext_noop("Payment type"),
    "transport_mode": gettext_noop("Transport mode"),
    "tax_type": gettext_noop("Tax treatment"),
    "origin_indicator": gettext_noop("Origin indicator"),
    "departure_country": gettext_noop("Country of departure"),
    "origin_country": gettext_noop("Country of origin"),
    "hs2": gettext_noop("HS chapter"),
    "hs4": gettext_noop("HS heading"),
}
NUMBER_LABELS = {
    "tax_rate": gettext_noop("Duty rate"),
    "net_mass": gettext_noop("Net mass"),
    "item_price": gettext_noop("Item price"),
    "log_unit_value": gettext_noop("Unit value"),
    "log_duty": gettext_noop("Duty at stake"),
}
PEER_LABELS = {
    "hs6": gettext_noop("items of the same HS code"),
    "hs6_origin": gettext_noop("items of the same HS code and origin"),
    "hs6_origin_departure": gettext_noop("items of the same HS code, origin and departure"),
    "hs6_origin_tax_type": gettext_noop("items of the same HS code, origin and tax treatment"),
}
_INDEX = {name: i for i, name in enumerate(FEATURE_NAMES)}


def _clean(value: float):
    return None if value is None or math.isnan(value) else value


def factors_of(row: HistoryRow, vector, contributions, *, top: int = TOP_FACTORS) -> list[dict]:
    """The `top` factors that moved this row's score most, largest first (by absolute contribution):
    [{"factor", "subject", "contribution", "params"}], JSON-ready."""
    factors = []
    for group in GROUP_LABELS:
        idx = [_INDEX[f"{group}.count"], _INDEX[f"{group}.found"], _INDEX[f"{group}.rate"]]
        count = _clean(vector[idx[0]])
        factors.append({"factor": "record", "subject": group,
                        "contribution": float(sum(contributions[i] for i in idx)),
                        "params": {"count": int(count) if count is not None else None,
                                   "found": int(vector[idx[1]]) if count is not None else None}})
    for peer, _fields in PEERS:
        idx = [_INDEX[f"unit_value_vs.{peer}"], _INDEX[f"unit_value_peers.{peer}"]]
        gap = _clean(vector[idx[0]])
        factors.append({"factor": "unit_value", "subject": peer,
                        "contribution": float(sum(contributions[i] for i in idx)),
                        "params": {"percent": round((math.exp(gap) - 1) * 100) if gap is not None else None,
                                   "peers": int(vector[idx[1]])}})
    values = {"tax_rate": row.tax_rate, "net_mass": row.net_mass, "item_price": row.item_price,
              "log_unit_value": (row.item_price / row.net_mass) if row.net_mass else None,
              "log_duty": row.item_price * row.tax_rate / 100.0}
    for name in NUMBERS:
        factors.append({"factor": "number", "subject": name, "contribution": float(contributions[_INDEX[f"number.{name}"]]),
                        "params": {"value": values[name], "currency": row.currency, "unit": row.unit}})
    for name in CATEGORIES:
        value = row.hs6[:2] if name == "hs2" else row.hs6[:4] if name == "hs4" else getattr(row, name)
        factors.append({"factor": "category", "subject": name,
                        "contribution": float(contributions[_INDEX[f"category.{name}"]]), "params": {"value": value}})
    # A category the row leaves empty (the portal's declarations have no process type, for one) tells an
    # officer nothing: it is not offered as a reason.
    factors = [f for f in factors if abs(f["contribution"]) >= 0.005
               and not (f["factor"] == "category" and not f["params"]["value"])]
    factors.sort(key=lambda f: (-abs(f["contribution"]), f["factor"], f["subject"]))
    for factor in factors:
        factor["contribution"] = round(factor["contribution"], 3)
    return factors[:top]


def _number(value, places: int = 0) -> str:
    return number_format(round(value, places), decimal_pos=places, use_l10n=True, force_grouping=True)


def factor_text(factor: dict) -> str:
    """The factor in the active language, e.g. "The importer's record: 3 discrepancies in 12 earlier items"."""
    return capfirst(_factor_text(factor))


def _factor_text(factor: dict) -> str:
    kind, subject, params = factor.get("factor"), factor.get("subject"), factor.get("params") or {}
    if kind == "record":
        label = _(GROUP_LABELS.get(subject, subject))
        if params.get("count") is None:
            return _("%(subject)s: not known") % {"subject": label}
        if not params["count"]:
            return _("%(subject)s: never seen before") % {"subject": label}
        return _("%(subject)s: %(found)s discrepancies found in %(count)s earlier items") % {
            "subject": label, "found": _number(params["found"]), "count": _number(params["count"])}
    if kind == "unit_value":
        label = _(PEER_LABELS.get(subject, subject))
        percent = params.get("percent")
        if percent is None:
            return _("Unit value: no earlier %(peers)s to compare with") % {"peers": label}
        if percent < 0:
            return _("Unit value %(percent)s %% below the median of %(count)s earlier %(peers)s") % {
                "percent": _number(-percent), "count": _number(params["peers"]), "peers": label}
        return _("Unit value %(percent)s %% above the median of %(count)s earlier %(peers)s") % {
            "percent": _number(percent), "count": _number(params["peers"]), "peers": label}
    if kind == "number":
        label = _(NUMBER_LABELS.get(subject, subject))
        value = params.get("value")
        if value is None:
            return _("%(subject)s: not known") % {"subject": label}
        if subject == "tax_rate":
            return f"{label}: {_number(value, 1)} %"
        if subject == "net_mass":
            if params.get("unit", "KGM") != "KGM":
                return f"{_('Quantity')}: {_number(value, 1)} {params['unit']}"
            return f"{label}: {_number(value, 1)} kg"
        if subject == "log_unit_value" and params.get("unit", "KGM") != "KGM":
            return f"{label}: {_number(value)} {params.get('currency', '')}/{params['unit']}"
        return f"{label}: {_number(value)} {params.get('currency', '')}".rstrip()
    if kind == "category":
        value = params.get("value") or "—"
        return f"{_(CATEGORY_LABELS.get(subject, subject))}: {value}"
    return str(subject)


def factor_direction(factor: dict) -> str:
    """"raises" or "lowers" the score."""
    return "raises" if factor.get("contribution", 0) > 0 else "lowers"
