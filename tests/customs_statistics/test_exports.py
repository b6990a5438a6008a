"""The statistics as files (customs_statistics/exports.py): each report's dict flattened into tables (its
groups, then the total row), headed in the reader's language; the CSV in UTF-8 with a byte order mark,
the workbook read back with openpyxl, numbers as numbers in their formats, names never formulas.

The bodies here are shaped as the selectors return them (docs/api-additions.md, "Statistics"); the
pages' tests read the real ones."""
import csv
import io
from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import load_workbook

from customs_statistics.exports import csv_bytes, export_filename, export_tables, hit_percent, xlsx_bytes

COMMON = {"date_from": "2026-11-01", "date_to": "2026-11-30", "as_of": "2026-11-30T10:00:00+00:00",
          "filters": {"office": None, "enterprise": None, "direction": None, "channel": None, "class": None}}


def durations(declarations: int, median: int, p90: int) -> dict:
    one = {"count": declarations, "median_seconds": median * 3600, "p90_seconds": p90 * 3600,
           "median_hours": float(median), "p90_hours": float(p90)}
    return {name: dict(one) for name in ("to_assessment", "to_clearance", "trader_held", "customs_held", "to_release")}


RELEASE = {**COMMON, "group_by": "channel",
           "all": {"declarations": 3, "durations": durations(3, 5, 20)},
           "groups": [{"key": "green", "label": "Green", "declarations": 2, "durations": durations(2, 2, 4)},
                      {"key": "red", "label": "Red", "declarations": 1, "durations": durations(1, 30, 30)}],
           "comparison": {"scope": "offices", "offices": ["03CE"], "declarations": 40, "durations": durations(40, 6, 25)}}


def mix(green, yellow, red, unassessed=0, random_yellow=0, random_red=0) -> dict:
    assessed = green + yellow + red
    return {"counts": {"green": green, "yellow": yellow, "red": red, "unassessed": unassessed,
                       "total": assessed + unassessed},
            "random": {"yellow": random_yellow, "red": random_red},
            "shares": {"yellow_percent": round(yellow * 100 / assessed, 1), "red_percent": round(red * 100 / assessed, 1),
                       "yellow_counted_percent": round((yellow - random_yellow) * 100 / assessed, 1),
                       "red_counted_percent": round(red * 100 / assessed, 1)}}


CHANNEL_MIX = {**COMMON, "group_by": "class", **mix(70, 25, 5, 3, 2, 0), "groups_truncated": False, "comparison": None,
               "groups": [{"key": "high", "label": "High", **mix(60, 5, 1, 0, 2, 0),
                           "caps": {"yellow_percent": 5.0, "red_percent": 1.0}},
                          {"key": "low", "label": "=HYPERLINK(\"http://x\")", **mix(10, 20, 4, 3),
                           "caps": {"yellow_percent": 50.0, "red_percent": 20.0}}]}

TAXES = ("import_duty", "export_duty", "special_consumption_tax", "environmental_tax", "vat")


def assessed(vat: int, duty: int, declarations: int) -> dict:
    return {"import_duty": duty, "export_duty": 0, "special_consumption_tax": 0, "environmental_tax": 0, "vat": vat,
            "total": vat + duty, "declarations": declarations}


def paid(vat: int, duty: int, interest: int, payments: int) -> dict:
    return {"import_duty": duty, "export_duty": 0, "special_consumption_tax": 0, "environmental_tax": 0, "vat": vat,
            "late_interest": interest, "total": vat + duty + interest, "payments": payments}


REVENUE = {**COMMON, "group_by": "day",
           "assessed": assessed(3_000_000_000, 1_500_000_000, 3), "paid": paid(2_000_000_000, 1_000_000_000, 12_345, 2),
           "overdue": {"declarations": 1, "amount": 1_500_000_000}, "late_interest": {"charged": 20_000, "paid": 12_345},
           "groups": [{"key": "2026-11-03", "label": "03/11/2026", "assessed": assessed(1_000_000_000, 500_000_000, 1),
                       "paid": paid(1_000_000_000, 500_000_000, 0, 1)},
                      {"key": "2026-11-04", "label": "04/11/2026", "assessed": assessed(2_000_000_000, 1_000_000_000, 2),
                       "paid": paid(1_000_000_000, 500_000_000, 12_345, 1)}],
           "paid_by_bank": [{"key": "BFTVVNVX", "label": "Vietcombank", **paid(1_000_000_000, 500_000_000, 12_345, 1)},
                            {"key": "", "label": "Bank not stated", **paid(1_000_000_000, 500_000_000, 0, 1)}]}

HIT_RATES = {**COMMON, "group_by": None, "source": "portal", "history": None,
             "all": {"checked": 40, "found": 9, "hit_rate": "0.2250"},
             "physical": {"checked": 10, "found": 5, "hit_rate": "0.5000"},
             "documentary": {"checked": 30, "found": 4, "hit_rate": "0.1333"},
             "random_selection": {"checked": 0, "found": 0, "hit_rate": None},
             "rules": [{"rule": 3, "name": "Tobacco", "checked": 10, "found": 4, "hit_rate": "0.4000"}],
             "models": [{"version": 2, "all": {"checked": 6, "found": 3, "hit_rate": "0.5000"},
                         "bands": {"high": {"checked": 4, "found": 3, "hit_rate": "0.7500"},
                                   "medium": {"checked": 2, "found": 0, "hit_rate": "0.0000"},
                                   "low": {"checked": 0, "found": 0, "hit_rate": None}}}]}

AGES = {"under_1_day": 1, "1_to_3_days": 1, "3_to_7_days": 0, "over_7_days": 1}
WORKLOAD = {**COMMON, "group_by": None,
            "open": {"under_review": 2, "under_inspection": 1, "total": 3, "age": AGES},
            "offices": [{"key": "03CE", "label": "Hải Phòng", "under_review": 2, "under_inspection": 1, "total": 3,
                         "oldest_hours": 200.5, "age": AGES}],
            "officers": [{"key": "officer_03ce_1", "label": "Lan Nguyễn", "open": 2, "oldest_hours": 200.5,
                          "decisions": 7, "days_with_decisions": 5, "decisions_per_day": 1.4}],
            "decisions_by_day": [{"key": "2026-11-03", "decisions": 4}, {"key": "2026-11-04", "decisions": 3}]}


def read_csv(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf"), "Excel needs the byte order mark to read UTF-8"
    return list(csv.reader(io.StringIO(content[3:].decode("utf-8"))))


def read_xlsx(content: bytes):
    return load_workbook(io.BytesIO(content))


def test_release_times_flatten_to_the_groups_the_total_and_the_offices_of_a_trader():
    (table,) = export_tables("release-times", RELEASE)
    titles = [column.title for column in table.columns]
    assert titles[:3] == ["Code", "Channel", "Declarations"]
    assert titles[3:6] == ["Registration → assessment: declarations", "Registration → assessment: median (h)",
                           "Registration → assessment: 90th percentile (h)"]
    assert titles[-2:] == ["Registration → gate release: median (h)", "Registration → gate release: 90th percentile (h)"]
    assert len(titles) == 3 + 5 * 3
    assert [row[:3] for row in table.rows] == [["green", "Green", 2], ["red", "Red", 1], ["", "Total", 3],
                                               ["", "All enterprises at your offices", 40]]
    assert table.rows[1][-3:] == [1, 30.0, 30.0]


def test_channel_mix_has_the_caps_when_grouped_by_class():
    (table,) = export_tables("channel-mix", CHANNEL_MIX)
    titles = [column.title for column in table.columns]
    assert titles[-2:] == ["Yellow cap (%)", "Red cap (%)"]
    header = dict(zip(titles, table.rows[0], strict=True))
    assert header["Compliance class"] == "High"
    assert (header["Green"], header["Yellow"], header["Red"], header["Total"]) == (60, 5, 1, 66)
    assert header["Yellow at random"] == 2
    assert header["Yellow cap (%)"] == 5.0
    total = dict(zip(titles, table.rows[-1], strict=True))
    assert (total["Compliance class"], total["Total"], total["Not assessed"]) == ("Total", 103, 3)
    assert total["Yellow cap (%)"] is None


def test_channel_mix_without_groups_is_the_total_row_without_caps():
    body = {**CHANNEL_MIX, "group_by": None, "groups": []}
    (table,) = export_tables("channel-mix", body)
    assert "Yellow cap (%)" not in [column.title for column in table.columns]
    assert [row[1] for row in table.rows] == ["Total"]


def test_hit_rates_are_in_percent_per_rule_model_band_and_kind_then_all_checks():
    (table,) = export_tables("hit-rates", HIT_RATES)
    rows = {row[0]: row[1:] for row in table.rows}
    assert rows["Rule: Tobacco"] == [10, 4, Decimal("40.00")]
    assert rows["Model version 2, high score"] == [4, 3, Decimal("75.00")]
    assert rows["Model version 2, low score"] == [0, 0, None]
    assert rows["Random selection"] == [0, 0, None]
    assert rows["Document checks"] == [30, 4, Decimal("13.33")]
    assert table.rows[-1] == ["All checks", 40, 9, Decimal("22.50")]
    assert "Imported history" not in rows


def test_hit_percent():
    assert hit_percent("0.2250") == Decimal("22.50")
    assert hit_percent("1.0000") == Decimal("100.00")
    assert hit_percent(None) is None


def test_revenue_is_the_groups_with_the_total_a_table_of_what_is_overdue_and_one_per_bank():
    groups, summary, banks = export_tables("revenue", REVENUE)
    titles = [column.title for column in groups.columns]
    assert titles[:4] == ["Code", "Day", "Declarations assessed", "Assessed: Import duty"]
    assert titles[-2:] == ["Paid: late interest", "Paid: total"]
    total = dict(zip(titles, groups.rows[-1], strict=True))
    assert total["Day"] == "Total"
    assert total["Assessed: total"] == 4_500_000_000
    assert total["Paid: total"] == 3_000_012_345
    assert total["Payments"] == 2
    assert [row[0] for row in groups.rows] == ["2026-11-03", "2026-11-04", ""]
    assert summary.rows == [["Overdue: declarations", 1], ["Overdue: amount owed", 1_500_000_000],
                            ["Late interest charged", 20_000], ["Late interest paid", 12_345]]
    assert [column.title for column in banks.columns][:3] == ["Code", "Bank", "Payments"]
    assert [row[:3] + row[-1:] for row in banks.rows] == [["BFTVVNVX", "Vietcombank", 1, 1_500_012_345],
                                                         ["", "Bank not stated", 1, 1_500_000_000]]


def test_workload_is_three_tables():
    offices, officers, days = export_tables("workload", WORKLOAD)
    assert offices.rows[0] == ["03CE", "Hải Phòng", 2, 1, 3, 1, 1, 0, 1, 200.5]
    assert offices.rows[-1][:5] == ["", "Total", 2, 1, 3]
    assert officers.rows == [["officer_03ce_1", "Lan Nguyễn", 2, 200.5, 7, 5, 1.4]]
    assert days.rows == [["2026-11-03", 4], ["2026-11-04", 3], ["Total", 7]]


def test_headers_follow_the_readers_language():
    with translation.override("vi"):
        (table,) = export_tables("release-times", RELEASE)
        groups, _summary, _banks = export_tables("revenue", REVENUE)
    assert [column.title for column in table.columns][:3] == ["Mã", "Phân luồng", "Tờ khai"]
    assert table.rows[2][1] == "Tổng cộng"
    assert [column.title for column in groups.columns][3] == "Phải nộp: Thuế nhập khẩu"


def test_csv_is_utf8_with_a_bom_and_reads_back():
    with translation.override("vi"):
        content = csv_bytes(export_tables("channel-mix", CHANNEL_MIX))
    rows = read_csv(content)
    assert rows[0][:3] == ["Mã", "Hạng tuân thủ", "Xanh"]
    assert rows[1][:7] == ["high", "High", "60", "5", "1", "0", "66"]
    # a name that a spreadsheet would run as a formula is written as text
    assert rows[2][1] == "'=HYPERLINK(\"http://x\")"
    assert rows[-1][1] == "Tổng cộng"
    assert rows[-1][-1] == ""  # no cap for the total


def test_csv_of_several_tables_puts_each_under_its_title():
    rows = read_csv(csv_bytes(export_tables("workload", WORKLOAD)))
    assert rows[0] == ["Open work per office"]
    assert rows[1][:3] == ["Code", "Customs office", "Under review"]
    blank = rows.index([])
    assert rows[blank + 1] == ["Officers"]
    assert rows[-1] == ["Total", "7"]


def test_xlsx_has_a_sheet_per_table_with_numbers_in_their_formats():
    workbook = read_xlsx(xlsx_bytes(export_tables("revenue", REVENUE)))
    assert workbook.sheetnames == ["Revenue", "Overdue and interest", "Paid per bank"]
    sheet = workbook["Revenue"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Code", "Day", "Declarations assessed")
    assert rows[-1][1] == "Total"
    total_column = rows[0].index("Paid: total")
    assert rows[-1][total_column] == 3_000_012_345
    cell = sheet.cell(row=len(rows), column=total_column + 1)
    assert cell.number_format == "#,##0"
    assert sheet["A1"].font.bold
    assert sheet.freeze_panes == "A2"


def test_xlsx_hours_shares_and_names():
    workbook = read_xlsx(xlsx_bytes(export_tables("channel-mix", CHANNEL_MIX)))
    sheet = workbook.active
    rows = list(sheet.iter_rows(values_only=True))
    share = rows[0].index("Yellow share of assessed (%)")
    assert rows[1][share] == pytest.approx(7.6)
    assert sheet.cell(row=2, column=share + 1).number_format == "0.0"
    formula_like = sheet.cell(row=3, column=2)
    assert formula_like.value == "=HYPERLINK(\"http://x\")"
    assert formula_like.data_type == "s"  # text, never run

    hours = read_xlsx(xlsx_bytes(export_tables("release-times", RELEASE))).active
    header = [cell.value for cell in hours[1]]
    median = header.index("Registration → gate release: median (h)") + 1
    assert hours.cell(row=3, column=median).value == 30.0
    assert hours.cell(row=3, column=median).number_format == "#,##0.0"


def test_xlsx_sheet_titles_are_unique_and_valid():
    workbook = read_xlsx(xlsx_bytes(export_tables("workload", WORKLOAD)))
    assert workbook.sheetnames == ["Open work per office", "Officers", "Decisions per day"]
    assert list(workbook["Decisions per day"].iter_rows(values_only=True))[-1] == ("Total", 7)


def test_filename_names_report_and_period():
    assert export_filename("channel-mix", CHANNEL_MIX, "xlsx") == "statistics-channel-mix-2026-11-01-2026-11-30.xlsx"
