"""Numbers and dates as people type and read them on the portal's pages, in Vietnamese and English.

One reading of what is typed into a number input (docs/decisions.md, "Numbers and dates"):

- `,` and `.` are both accepted as decimal marks; spaces may group thousands.
- With both marks, the last one is the decimal mark and the other groups thousands
  (`1.234,56` and `1,234.56` are 1234.56 in either language).
- A mark written more than once groups thousands (`1.234.567`).
- A single mark that is the language's decimal mark is the decimal mark (Vietnamese `,`,
  English `.`): `4,50` is 4.5 and `1,234` is 1.234 in Vietnamese.
- A single mark that is the language's thousands separator (Vietnamese `.`, English `,`)
  groups thousands when it could (one to three digits, not starting with 0, then exactly
  three): `17.710` is 17710 and `1,234` is 1234 in English; otherwise it is a decimal mark,
  so `4.50` is 4.5 in Vietnamese and `4,50` is 4.5 in English.

Whatever the portal prints for a language reads back as the same number in that language.
static/js/numbers.js reads the same way; both are tested against tests/localization_table.json.
Dates are typed and shown as dd/mm/yyyy (times HH:MM) in both languages, as on Vietnamese
customs documents; the JSON API keeps ISO 8601 and dot decimals (customs_portal/api/fields.py).
"""
import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import formats, numberformat, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

# Dates people type: dd/mm/yyyy (also with - or . between the parts), and ISO yyyy-mm-dd.
# The format modules (customs_portal/formats/) give the same list to Django's form fields.
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]
DATE_DISPLAY = "%d/%m/%Y"
MINUS = "-\u2212"  # hyphen-minus and the minus sign
SINGLE_GROUP = r"[1-9]\d{0,2}(?: \d{3})*%s\d{3}"
MAX_DIGITS = 40  # longer inputs are refused before any arithmetic


class NumberUnreadable(ValueError):
    """What was typed is not a number under the portal's reading."""


def _language(language: str | None) -> str:
    return "vi" if (language or get_language() or "vi").startswith("vi") else "en"


def _marks(language: str) -> tuple[str, str]:
    """(decimal mark, thousands separator) of a language."""
    return (",", ".") if language == "vi" else (".", ",")


def number_split(text: str, *, language: str | None = None) -> tuple[str, str, str]:
    """(sign, integer digits, fraction digits) of a typed number; NumberUnreadable when it is not one."""
    decimal_mark, group_mark = _marks(_language(language))
    typed = re.sub(r"\s+", " ", str(text or "").strip())
    sign = ""
    if typed and typed[0] in f"+{MINUS}":
        sign = "-" if typed[0] in MINUS else ""
        typed = typed[1:].lstrip()
    if not typed or len(typed) > MAX_DIGITS or not re.fullmatch(r"[0-9., ]+", typed):
        raise NumberUnreadable(text)
    marks = [c for c in typed if c in ".,"]
    kinds = set(marks)
    if len(kinds) == 2:
        decimal = typed[max(typed.rfind("."), typed.rfind(","))]
        if marks.count(decimal) > 1:
            raise NumberUnreadable(text)
    elif len(marks) != 1:  # none, or one mark written several times: thousands
        decimal = None
    elif marks[0] == decimal_mark:
        decimal = decimal_mark
    else:
        decimal = None if re.fullmatch(SINGLE_GROUP % re.escape(group_mark), typed) else group_mark
    integer, _mark, fraction = typed.partition(decimal) if decimal else (typed, "", "")
    if decimal and not fraction.isdigit():
        raise NumberUnreadable(text)
    if integer and not re.fullmatch(r"\d+|\d{1,3}(?:[., ]\d{3})+", integer):
        raise NumberUnreadable(text)
    if not integer and not fraction:
        raise NumberUnreadable(text)
    return sign, re.sub(r"\D", "", integer) or "0", fraction


def number_parse(text: str, *, language: str | None = None) -> Decimal:
    """The number typed into an input of the pages, read by the portal's one rule (module docstring)."""
    sign, integer, fraction = number_split(text, language=language)
    try:
        return Decimal(f"{sign}{integer}.{fraction or '0'}").quantize(Decimal(1).scaleb(-len(fraction)))
    except InvalidOperation:  # more digits than the decimal context carries
        raise NumberUnreadable(text) from None


def number_trimmed(value: Decimal) -> Decimal:
    """The same number without trailing zeros after the decimal mark (1.200 -> 1.2, 1200 stays 1200),
    so that zeros typed after the mark never count against a field's decimal places."""
    return value.quantize(Decimal(1).scaleb(-significant_places(value)))


def number_text(value, *, places: int | None = None, language: str | None = None) -> str:
    """A number as the pages print it: thousands grouped, the language's decimal mark.

    `places` fixes the decimals (rounding half-up, as the templates' floatformat); None keeps the value's own.
    """
    language = _language(language)
    decimal_mark, group_mark = _marks(language)
    value = Decimal(value) if not isinstance(value, Decimal) else value
    if places is None:
        places = max(0, -value.as_tuple().exponent) if value.is_finite() else 0
    elif value.is_finite():
        value = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return numberformat.format(value, decimal_mark, places, 3, group_mark, force_grouping=True)


def significant_places(value: Decimal) -> int:
    """Decimals that are not trailing zeros: 4.50 -> 1, 17710 -> 0."""
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def number_understood(text: str, *, language: str | None = None) -> str:
    """What the page shows beside an input as the number it understood ("= 2.350,5").

    Trailing zeros typed after the decimal mark are kept up to two places (money, 4,50), further
    ones dropped, so that an English `17.710` shows as 17.71 and a Vietnamese `3,000` as 3,00.
    """
    value = number_parse(text, language=language)
    _sign, _integer, fraction = number_split(text, language=language)
    places = max(significant_places(value), min(len(fraction), 2))
    return number_text(value, places=places, language=language)


def number_input_text(value, *, language: str | None = None) -> str:
    """A stored number as the text of an input (reads back as the same number): 4.50 -> "4,50"."""
    if value is None or value == "":
        return ""
    value = value if isinstance(value, Decimal) else Decimal(str(value))
    places = max(0, -value.as_tuple().exponent)
    return number_text(value, places=places if places <= 2 else significant_places(value), language=language)


def number_unreadable_message(*, language: str | None = None) -> str:
    """The field error for what the reading cannot make a number of."""
    example = number_text(Decimal("1234.56"), language=language)
    return _("Type a number, for example %(example)s.") % {"example": example}


def date_parse(text: str) -> date:
    """A date typed as dd/mm/yyyy (or yyyy-mm-dd); ValueError otherwise."""
    typed = str(text or "").strip()
    for pattern in DATE_INPUT_FORMATS:
        try:
            return datetime.strptime(typed, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def date_input_text(value: date | None) -> str:
    return value.strftime(DATE_DISPLAY) if value else ""


def date_unreadable_message() -> str:
    return _("Type the date as dd/mm/yyyy, for example %(example)s.") % {"example": "25/03/2026"}


def date_text(value: date | None) -> str:
    """A date in a sentence written by the server: dd/mm/yyyy in either language."""
    return formats.date_format(value, "SHORT_DATE_FORMAT") if value else ""


def moment_text(value: datetime | None) -> str:
    """A moment in a sentence written by the server: dd/mm/yyyy HH:MM, local time."""
    return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT") if value else ""


def amount_text(value, *, places: int = 2) -> str:
    """An amount in a sentence written by the server, in the active language (9.999,00)."""
    return number_text(Decimal(value), places=places)


def vnd(amount: Decimal) -> Decimal:
    """An amount in dong rounded to whole dong, half up (taxes, late-payment interest)."""
    return amount.quantize(Decimal("1"), rounding=ROUND_HALF_UP)
