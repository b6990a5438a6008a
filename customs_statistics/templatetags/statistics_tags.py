"""Figures of the statistics tables as the portal writes numbers (Django's floatformat with grouping,
in the reader's language: 1.234,5 in Vietnamese), and a dash where there is none."""
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.template.defaultfilters import floatformat

from customs_portal.localization import date_text
from customs_statistics.exports import hit_percent

register = template.Library()
NONE = "—"


@register.filter
def count(value) -> str:
    """A whole number: 12.345."""
    return NONE if value is None else floatformat(value, "0g")


@register.filter
def hours(value) -> str:
    """Hours to a tenth: 1.234,5."""
    return NONE if value is None else floatformat(value, "1g")


@register.filter
def percent(value) -> str:
    """A share already in percent: 12,5 %."""
    return NONE if value is None else f"{floatformat(value, '1g')} %"


@register.filter
def share_of(part, whole) -> str:
    """`part` as a share of `whole`: 12,5 %."""
    if not whole or part is None:
        return NONE
    return percent((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


@register.filter
def hit_rate(value) -> str:
    """A hit rate of the reports ("0.2250"): 22,50 %."""
    return NONE if value is None else f"{floatformat(hit_percent(value), '2g')} %"


@register.filter
def item(mapping, key):
    """`mapping[key]` (a key the template holds in a variable)."""
    return (mapping or {}).get(key)


@register.filter
def iso_day(value) -> str:
    """A day of the reports ("2026-11-03") as the portal writes dates: 03/11/2026."""
    try:
        return date_text(date.fromisoformat(str(value)))
    except ValueError:
        return str(value)
