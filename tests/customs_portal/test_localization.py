"""The server's reading and writing of numbers and dates (customs_portal/localization.py), against
the table of examples that the browser's reader (static/js/numbers.js) is tested against too."""
import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from customs_portal.localization import (
    NumberUnreadable,
    amount_text,
    date_parse,
    date_text,
    moment_text,
    number_input_text,
    number_parse,
    number_text,
    number_trimmed,
    number_understood,
)

TABLE = json.loads((Path(__file__).parents[1] / "localization_table.json").read_text(encoding="utf-8"))
NUMBER_CASES = [(row["typed"], language, row[language], row[f"{language}_understood"])
                for row in TABLE["numbers"] for language in ("vi", "en")]


@pytest.mark.parametrize(("typed", "language", "expected", "understood"), NUMBER_CASES)
def test_a_typed_number_is_read_as_the_table_says(typed, language, expected, understood):
    if expected is None:
        with pytest.raises(NumberUnreadable):
            number_parse(typed, language=language)
        with pytest.raises(NumberUnreadable):
            number_understood(typed, language=language)
    else:
        value = number_parse(typed, language=language)
        assert format(value, "f") == expected
        assert number_understood(typed, language=language) == understood


@pytest.mark.parametrize("row", TABLE["dates"], ids=lambda row: repr(row["typed"]))
def test_a_typed_date_is_read_as_the_table_says(row):
    if row["date"] is None:
        with pytest.raises(ValueError):
            date_parse(row["typed"])
    else:
        assert date_parse(row["typed"]).isoformat() == row["date"]


def test_the_issue_examples():
    """What a Vietnamese trader typed and was refused: 4,50, 2350,5, 1.234,56, 17.710 (and 4.50)."""
    assert number_parse("4,50", language="vi") == Decimal("4.5")
    assert number_parse("2350,5", language="vi") == Decimal("2350.5")
    assert number_parse("1.234,56", language="vi") == Decimal("1234.56")
    assert number_parse("17.710", language="vi") == Decimal("17710")
    assert number_parse("4.50", language="vi") == Decimal("4.5")
    assert number_parse("17.710", language="en") == Decimal("17.71")
    assert number_parse("1,234", language="en") == Decimal("1234")
    assert number_parse("1,234", language="vi") == Decimal("1.234")


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("value", ["0", "4.5", "4.50", "17.71", "17710", "1234", "1.234", "0.125", "1234567.891",
                                   "999999", "1000000", "-2500", "-0.5", "12.3456", "100000.1"])
def test_what_the_portal_writes_in_an_input_reads_back_as_the_same_number(language, value):
    text = number_input_text(Decimal(value), language=language)
    assert number_parse(text, language=language) == Decimal(value)


def test_trimmed_drops_only_zeros_after_the_decimal_mark():
    assert str(number_trimmed(Decimal("1.200"))) == "1.2"
    assert str(number_trimmed(Decimal("1200"))) == "1200"
    assert str(number_trimmed(Decimal("4.50"))) == "4.5"
    assert str(number_trimmed(Decimal("-0.000"))) == "-0"


def test_input_text_keeps_cents_and_drops_further_trailing_zeros():
    assert number_input_text(Decimal("4.50"), language="vi") == "4,50"
    assert number_input_text(Decimal("17.710"), language="vi") == "17,71"
    assert number_input_text(Decimal("1234.5000"), language="en") == "1,234.5"
    assert number_input_text(1000, language="vi") == "1.000"
    assert number_input_text(None) == ""


def test_number_text_groups_and_rounds_half_up_as_floatformat():
    assert number_text(Decimal("1234567.5"), places=2, language="vi") == "1.234.567,50"
    assert number_text(Decimal("1234567.5"), places=2, language="en") == "1,234,567.50"
    assert number_text(Decimal("0.125"), places=2, language="en") == "0.13"
    assert number_text(Decimal("-2500"), places=2, language="vi") == "-2.500,00"


def test_server_messages_write_amounts_and_dates_in_the_active_language():
    moment = datetime(2026, 3, 5, 1, 30, tzinfo=ZoneInfo("UTC"))  # 08:30 in Hanoi
    with translation.override("vi"):
        assert amount_text(Decimal("9999")) == "9.999,00"
        assert amount_text(Decimal("-2500.00")) == "-2.500,00"
        assert date_text(date(2026, 3, 5)) == "05/03/2026"
        assert moment_text(moment) == "05/03/2026 08:30"
    with translation.override("en"):
        assert amount_text(Decimal("9999")) == "9,999.00"
        assert date_text(date(2026, 3, 5)) == "05/03/2026"
        assert moment_text(moment) == "05/03/2026 08:30"


@pytest.mark.parametrize("language", ["vi", "en"])
def test_templates_show_dates_as_dd_mm_yyyy_in_both_languages(language):
    from django.template import engines

    template = engines["django"].from_string(
        '{{ day|date:"SHORT_DATE_FORMAT" }} {{ moment|date:"SHORT_DATETIME_FORMAT" }} {{ day|date }} {{ amount|floatformat:"2g" }}')
    with translation.override(language):
        text = template.render({"day": date(2026, 3, 5), "moment": datetime(2026, 3, 5, 8, 30), "amount": Decimal("2250")})
    grouped = "2.250,00" if language == "vi" else "2,250.00"
    assert text == f"05/03/2026 05/03/2026 08:30 05/03/2026 {grouped}"
