"""The rule list page's hit-rate columns and period selector, and the learned model's hit rates by version
and band of its score (the numbers: risk/selectors/hit_rates.py)."""
from rest_framework import serializers

from customs_portal.localization import date_input_text, date_parse, date_unreadable_message
from risk.api.hit_rate_views import period_parse
from risk.selectors.hit_rates import MODEL_BANDS, default_period, hit_rates


def _band_labels() -> tuple[tuple[str, str], ...]:
    """The bands of the model's score as the page heads them: "≥ 0.8", "0.5–0.8", "< 0.5"."""
    labels = []
    for index, (name, lowest) in enumerate(MODEL_BANDS):
        if index == 0:
            labels.append((name, f"≥ {lowest}"))
        elif index == len(MODEL_BANDS) - 1:
            labels.append((name, f"< {MODEL_BANDS[index - 1][1]}"))
        else:
            labels.append((name, f"{lowest}–{MODEL_BANDS[index - 1][1]}"))
    return tuple(labels)


MODEL_BAND_LABELS = _band_labels()


def rule_list_hit_rates(request, rules: list) -> dict:
    """Sets `rule.hit_rate` on each rule; the period, its errors and the random selection's rate for the page."""
    # Typed as every date on the pages, dd/mm/yyyy (yyyy-mm-dd is read too); then the API's checks.
    values, errors = {}, {}
    for name in ("from", "to"):
        raw = (request.GET.get(name) or "").strip()
        if raw:
            try:
                values[name] = date_parse(raw).isoformat()
            except ValueError:
                errors[name] = [date_unreadable_message()]
    try:
        if errors:
            raise serializers.ValidationError(errors)
        date_from, date_to = period_parse(values)
    except serializers.ValidationError as error:
        errors = {name: [str(m) for m in messages] for name, messages in error.detail.items()}
        date_from, date_to = default_period()
    rates = hit_rates(date_from=date_from, date_to=date_to)
    for rule in rules:
        rule.hit_rate = rates.of_rule(rule.pk)
    return {"hit_period": {"from": date_from, "to": date_to, "errors": errors,
                           "value_from": request.GET.get("from") if "from" in errors else date_input_text(date_from),
                           "value_to": request.GET.get("to") if "to" in errors else date_input_text(date_to)},
            "random_hit_rate": rates.random_selection,
            "model_hit_rates": {"bands": MODEL_BAND_LABELS, "rules": rates.model_rules,
                                "versions": [{"number": model.number, "total": model.total,
                                              "bands": [model.bands[name] for name, _label in MODEL_BAND_LABELS]}
                                             for model in rates.models]}}
