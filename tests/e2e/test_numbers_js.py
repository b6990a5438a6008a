"""The browser's reader of numbers and dates (static/js/numbers.js), run in Chromium against the
table of examples that the server's reader is tested against (tests/customs_portal/test_localization.py)."""
import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
TABLE = json.loads((ROOT / "tests" / "localization_table.json").read_text(encoding="utf-8"))
READ_ALL = """([numbers, dates]) => ({
  numbers: numbers.map((row) => Object.fromEntries(["vi", "en"].flatMap((lang) => {
    const value = window.PortalNumbers.parse(row.typed, lang);
    return [[lang, value ? window.PortalNumbers.canonical(value) : null],
            [lang + "_understood", window.PortalNumbers.understood(row.typed, lang)]];
  }))),
  dates: dates.map((row) => window.PortalNumbers.parseDate(row.typed)),
})"""


@pytest.fixture
def bare_page(browser):
    """A blank page with only numbers.js loaded: no portal needed."""
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    page.set_content('<!doctype html><html lang="vi"><body></body></html>')
    page.add_script_tag(path=str(ROOT / "static" / "js" / "numbers.js"))
    yield page
    context.close()


def test_the_browser_reads_numbers_and_dates_as_the_table_says(bare_page):
    result = bare_page.evaluate(READ_ALL, [TABLE["numbers"], TABLE["dates"]])
    expected_numbers = [{key: row[key] for key in ("vi", "vi_understood", "en", "en_understood")} for row in TABLE["numbers"]]
    mismatches = [(row["typed"], got, want) for row, got, want in zip(TABLE["numbers"], result["numbers"], expected_numbers)
                  if got != want]
    assert mismatches == []
    assert result["dates"] == [row["date"] for row in TABLE["dates"]]


def test_line_values_are_rounded_half_even_to_the_cent_as_the_server_does(bare_page):
    rounded = bare_page.evaluate("""() => {
      const N = window.PortalNumbers;
      const line = (q, p) => N.format(N.round(N.times(N.parse(q, "vi"), N.parse(p, "vi")), 2, "half-even"), "vi", 2);
      return [line("500", "4,50"), line("2350,5", "1.234,56"), line("1", "0,125"), line("1", "0,135"), line("3", "0,3333")];
    }""")
    assert rounded == ["2.250,00", "2.901.833,28", "0,12", "0,14", "1,00"]
