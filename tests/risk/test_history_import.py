"""The import of an outside source's history (risk/services/history_import.py, `manage.py
import_history`): values and mappings, all or nothing with every problem reported by line and column,
idempotency, the real KCS file, and the history kept out of traders' and officers' views."""
import csv
import io
import os
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import translation

from customs_portal.audit.models import AuditEvent
from risk.learned_models import HistoryItem, HistoryParty
from risk.selectors.history import history_sources
from risk.services.defaults import risk_defaults_seed
from risk.services.history_import import COLUMNS, HistoryImportError, HistoryImportProblem, history_import
from tests.factories import class_caps_off, queued, random_selection_off

KCS = Path(settings.BASE_DIR) / "risk" / "history_data" / "kcs"
HEADER = ",".join(COLUMNS)
# Rows in the KCS order of columns (Declaration ID … Critical Fraud).
ROWS = [
    # Sea, labelled negative; no courier.
    "D001,2021-01-04,40,B,11,21,11,10,DECL1,IMP1,SELL1,,760711,CN,CN,7.2,FCN1,E,901.2,415092.72,0,0",
    # Air, a critical discrepancy; lowercase countries; the importer of the first row.
    "D002,2021-01-05,20,B,11,21,43,40,DECL1,IMP1,SELL2,CO1,321590,hk,cn,0.0,A,G,400.0,30520.123456789,1,2",
    # Post (50) and an unknown code (90): both "other"; a discrepancy, not critical; no seller.
    "D003,2021-02-01,30,B,87,21,11,50,DECL2,IMP2,,CO1,650500,US,,3.2,C,Y,0,2610.3,1,1",
    # Not checked: Fraud and Critical Fraud empty.
    "D004,2021-03-31,16,B,11,21,11,90,DECL2,IMP3,SELL1,,620892,CN,VN,13.0,A,B,30.0,2478.0,,",
]


def csv_file(tmp_path, rows=ROWS, *, header=HEADER, name="history.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def kcs_row(**changes) -> str:
    """The first row of ROWS with some columns changed (by name)."""
    values = dict(zip(COLUMNS, ROWS[0].split(","), strict=True)) | changes
    return ",".join(values[name] for name in COLUMNS)


def problems_of(**kwargs) -> list[tuple]:
    with pytest.raises(HistoryImportError) as raised:
        history_import(**kwargs)
    return [(problem.line, problem.column, problem.message) for problem in raised.value.problems]


def stored() -> tuple[int, int]:
    return HistoryItem.objects.count(), HistoryParty.objects.count()


@pytest.mark.django_db
def test_a_file_is_imported_with_its_parties_transport_and_labels(tmp_path):
    report = history_import(path_or_file=csv_file(tmp_path))

    assert (report.source, report.file_name, report.read, report.created, report.already_present,
            report.parties_created) == ("kcs", "history.csv", 4, 4, 0, 8)
    assert report.seconds >= 0
    # Importers IMP1-3, declarants DECL1-2, sellers SELL1-2, courier CO1: one party per (role, ID).
    assert sorted(HistoryParty.objects.values_list("source", "role", "external_id")) == [
        ("kcs", "courier", "CO1"), ("kcs", "declarant", "DECL1"), ("kcs", "declarant", "DECL2"),
        ("kcs", "importer", "IMP1"), ("kcs", "importer", "IMP2"), ("kcs", "importer", "IMP3"),
        ("kcs", "seller", "SELL1"), ("kcs", "seller", "SELL2")]
    second = HistoryItem.objects.select_related("importer", "declarant", "seller", "courier").get(external_id="D002")
    assert (second.source, second.source_file, second.source_line) == ("kcs", "history.csv", 3)
    assert second.declared_on == date(2021, 1, 5)
    assert (second.office, second.process_type, second.import_type, second.import_use, second.payment_type) == (
        "20", "B", "11", "21", "43")
    assert (second.transport_mode, second.transport_code) == ("air", "40")
    assert (second.importer.role, second.importer.external_id) == ("importer", "IMP1")
    assert (second.declarant.external_id, second.seller.external_id, second.courier.external_id) == ("DECL1", "SELL2", "CO1")
    assert second.importer_id == HistoryItem.objects.get(external_id="D001").importer_id
    assert (second.hs6, second.departure_country, second.origin_country) == ("321590", "HK", "CN")
    assert (second.tax_rate, second.tax_type, second.origin_indicator) == (Decimal("0.000"), "A", "G")
    assert (second.net_mass, second.item_price, second.currency) == (Decimal("400.000"), Decimal("30520.123"), "KRW")
    assert (second.fraud, second.critical) == (True, True)
    assert [(item.external_id, item.source_line, item.transport_mode, item.transport_code, item.fraud, item.critical,
             item.seller_id is None, item.courier_id is None, item.origin_country)
            for item in HistoryItem.objects.order_by("external_id")] == [
        ("D001", 2, "sea", "10", False, False, False, True, "CN"),
        ("D002", 3, "air", "40", True, True, False, False, "CN"),
        ("D003", 4, "other", "50", True, False, True, False, ""),
        ("D004", 5, "other", "90", None, None, False, True, "VN"),
    ]
    event = AuditEvent.objects.get(action="history_import")
    assert event.data == {"source": "kcs", "file": "history.csv", "read": 4, "created": 4, "already_present": 0,
                          "parties_created": 8}


@pytest.mark.django_db
def test_the_sources_are_summed_up_in_one_query(tmp_path, django_assert_num_queries):
    history_import(path_or_file=csv_file(tmp_path))
    history_import(path_or_file=csv_file(tmp_path, [kcs_row(**{"Declaration ID": "X1", "Date": "2019-06-30"})]),
                   source="other-source", currency="USD")

    with django_assert_num_queries(1):
        sources = history_sources()

    assert sources == [
        {"source": "kcs", "rows": 4, "labelled": 3, "positives": 2, "date_from": date(2021, 1, 4), "date_to": date(2021, 3, 31)},
        {"source": "other-source", "rows": 1, "labelled": 1, "positives": 0, "date_from": date(2019, 6, 30),
         "date_to": date(2019, 6, 30)},
    ]
    assert HistoryItem.objects.get(source="other-source").currency == "USD"


@pytest.mark.django_db
def test_a_second_import_creates_nothing_and_says_so(tmp_path):
    path = csv_file(tmp_path)
    history_import(path_or_file=path)
    before = list(HistoryItem.objects.order_by("pk").values())

    again = history_import(path_or_file=path)

    assert (again.read, again.created, again.already_present, again.parties_created) == (4, 0, 4, 0)
    assert "Nothing new" in again.summary()
    assert list(HistoryItem.objects.order_by("pk").values()) == before
    assert HistoryParty.objects.count() == 8


@pytest.mark.django_db
def test_rows_already_present_are_skipped_even_when_they_differ(tmp_path):
    history_import(path_or_file=csv_file(tmp_path))
    changed = kcs_row(**{"Item Price": "1.5", "Fraud": "1", "Importer ID": "NEWIMP"})  # D001, changed
    new = kcs_row(**{"Declaration ID": "D005", "Seller ID": "SELL9"})

    report = history_import(path_or_file=csv_file(tmp_path, [changed, new], name="second.csv"))

    assert (report.read, report.created, report.already_present, report.parties_created) == (2, 1, 1, 1)
    first = HistoryItem.objects.get(external_id="D001")
    assert (first.item_price, first.fraud, first.importer.external_id, first.source_file) == (
        Decimal("415092.720"), False, "IMP1", "history.csv")
    fifth = HistoryItem.objects.get(external_id="D005")
    assert (fifth.source_file, fifth.source_line, fifth.seller.external_id) == ("second.csv", 3, "SELL9")
    assert not HistoryParty.objects.filter(external_id="NEWIMP").exists()


@pytest.mark.django_db
def test_an_uploaded_file_is_imported_under_its_name(tmp_path):
    upload = SimpleUploadedFile("upload-2021.csv", csv_file(tmp_path).read_bytes(), content_type="text/csv")

    report = history_import(path_or_file=upload)

    assert (report.file_name, report.created) == ("upload-2021.csv", 4)
    assert set(HistoryItem.objects.values_list("source_file", flat=True)) == {"upload-2021.csv"}


@pytest.mark.django_db
def test_bad_rows_are_all_reported_by_line_and_column_and_nothing_is_imported(tmp_path):
    history_import(path_or_file=csv_file(tmp_path))
    before = stored()
    rows = [
        kcs_row(**{"Declaration ID": "N1", "Net Mass": "abc", "HS6 Code": "76071"}),  # line 2
        kcs_row(**{"Declaration ID": "N2"}),  # line 3: good
        kcs_row(**{"Declaration ID": "N1", "Date": "2021-13-01", "Country of Origin": "CHN"}),  # line 4
        kcs_row(**{"Declaration ID": "", "Fraud": "yes", "Critical Fraud": "3", "Importer ID": ""}),  # line 5
        kcs_row(**{"Declaration ID": "N5", "Tax Rate": "-1", "Item Price": "NaN", "Date": "04/01/2021"}),  # line 6
        kcs_row(**{"Declaration ID": "N6", "Item Price": "1e30", "Net Mass": "Infinity"}),  # line 7
        "N7,2021-01-04,40",  # line 8
        kcs_row(**{"Declaration ID": "N8", "Tax Type": '"X\nY"'}),  # lines 9-10: a quoted line break
        kcs_row(**{"Declaration ID": "N9", "HS6 Code": "７６０７１１"}),  # line 11: full-width digits
    ]

    problems = problems_of(path_or_file=csv_file(tmp_path, rows, name="bad.csv"))

    assert problems == [
        (2, "HS6 Code", "“76071” is not six digits."),
        (2, "Net Mass", "“abc” is not a number."),
        (4, "Declaration ID", "“N1” is also on line 2: each row needs its own ID."),
        (4, "Date", "“2021-13-01” is not a date written yyyy-mm-dd."),
        (4, "Country of Origin", "“CHN” is not a two-letter country code."),
        (5, "Declaration ID", "is empty."),
        (5, "Importer ID", "is empty: every row needs its importer."),
        (5, "Fraud", "“yes” is not 0, 1 or empty (not checked)."),
        (5, "Critical Fraud", "“3” is not 0, 1, 2 or empty (not checked)."),
        (6, "Date", "“04/01/2021” is not a date written yyyy-mm-dd."),
        (6, "Tax Rate", "“-1” is negative."),
        (6, "Item Price", "“NaN” is not a number."),
        (7, "Net Mass", "“Infinity” is not a number."),
        (7, "Item Price", "“1e30” is too large."),
        (8, "", "3 values instead of 22."),
        (9, "Tax Type", "holds a control character."),
        (11, "HS6 Code", "“７６０７１１” is not six digits."),
    ]
    assert stored() == before
    assert not HistoryItem.objects.filter(external_id="N2").exists()


@pytest.mark.django_db
def test_a_problem_reads_as_line_column_and_message(tmp_path):
    with pytest.raises(HistoryImportError) as raised:
        history_import(path_or_file=csv_file(tmp_path, [ROWS[0], ROWS[1], kcs_row(**{"Declaration ID": "D9", "Net Mass": "abc"})]))
    assert [str(problem) for problem in raised.value.problems] == ["line 4, column Net Mass: “abc” is not a number."]
    assert str(HistoryImportProblem(1, "", "the header lacks …")) == "line 1: the header lacks …"


@pytest.mark.django_db
def test_the_problems_are_told_in_the_readers_language(tmp_path):
    with translation.override("vi"):
        problems = problems_of(path_or_file=csv_file(tmp_path, [kcs_row(**{"Net Mass": "abc"})]))
        assert str(HistoryImportProblem(*problems[0])) == "dòng 2, cột Net Mass: “abc” không phải là số."


@pytest.mark.django_db
def test_a_header_without_required_columns_is_one_clear_problem(tmp_path):
    header = HEADER.replace("Net Mass,", "").replace(",Fraud,", ",")
    rows = [",".join(row.split(",")[:18] + row.split(",")[19:20] + row.split(",")[21:]) for row in ROWS]

    problems = problems_of(path_or_file=csv_file(tmp_path, rows, header=header))

    assert len(problems) == 1
    assert problems[0][:2] == (1, "")
    assert problems[0][2].startswith("the header lacks the columns Net Mass, Fraud (expected: Declaration ID, Date,")
    assert stored() == (0, 0)


@pytest.mark.django_db
def test_columns_may_come_in_any_order_and_extra_ones_are_ignored(tmp_path):
    names = ["Note", *reversed(COLUMNS)]
    rows = [",".join(["anything", *reversed(row.split(","))]) for row in ROWS]

    report = history_import(path_or_file=csv_file(tmp_path, rows, header=",".join(names)))

    assert report.created == 4
    assert HistoryItem.objects.get(external_id="D002").item_price == Decimal("30520.123")


@pytest.mark.django_db
@pytest.mark.parametrize("content, expected", [
    (HEADER.encode() + b"\n" + ROWS[0].replace("CN,CN", "CN,C\xd4").encode("latin-1") + b"\n",
     [(2, "", "the file is not UTF-8 text. Save it as CSV (UTF-8).")]),
    (HEADER.encode() + b"\n" + ROWS[0].encode() + b"\n" + ROWS[1].replace("B,", "B\x00,", 1).encode() + b"\n",
     [(3, "", "the file holds a NUL character: it is not a CSV text file.")]),
    (b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)),
     [(None, "", "The file is not a CSV file: it looks like ZIP / Excel (.xlsx). Save it as CSV (UTF-8, comma-separated).")]),
    (HEADER.replace(",", ";").encode() + b"\n",
     [(1, "", "the columns are not separated by commas: save the file as CSV (comma-separated).")]),
    (b"", [(None, "", "The file is empty.")]),
])
def test_files_that_are_not_utf8_csv_text_are_refused(tmp_path, content, expected):
    history_import(path_or_file=csv_file(tmp_path))
    before = stored()

    assert problems_of(path_or_file=io.BytesIO(content)) == expected
    assert stored() == before


@pytest.mark.django_db
def test_a_byte_order_mark_and_crlf_line_ends_are_read(tmp_path):
    content = "\ufeff" + "\r\n".join([HEADER, *ROWS]) + "\r\n"

    report = history_import(path_or_file=io.BytesIO(content.encode()), file_name="excel.csv")

    assert (report.created, report.file_name) == (4, "excel.csv")
    assert HistoryItem.objects.get(external_id="D001").external_id == "D001"
    assert HistoryItem.objects.get(external_id="D004").critical is None


@pytest.mark.django_db
def test_too_many_rows_are_refused(tmp_path):
    assert history_import(path_or_file=csv_file(tmp_path), max_rows=4).created == 4
    before = stored()
    bad = [kcs_row(**{"Declaration ID": f"B{n}", "Fraud": "x"}) for n in range(4)]

    assert problems_of(path_or_file=csv_file(tmp_path, [*ROWS[:2], "", *ROWS[2:], ROWS[0]]), max_rows=4) == [
        (None, "", "The file has more than 4 rows: split it into files of at most that many.")]
    assert problems_of(path_or_file=csv_file(tmp_path, [*bad, ROWS[0]]), max_rows=4)[-1] == (
        None, "", "The file has more than 4 rows: split it into files of at most that many.")
    assert stored() == before


@pytest.mark.django_db
def test_an_upload_already_read_is_read_from_its_start(tmp_path):
    upload = SimpleUploadedFile("read.csv", csv_file(tmp_path).read_bytes())
    upload.read(100)

    assert history_import(path_or_file=upload).created == 4


@pytest.mark.django_db
@pytest.mark.parametrize("options, message", [
    ({"source": "portal"}, "The source name must be 1 to 32 lowercase letters, digits, “-” or “_”, and not “portal”."),
    ({"source": "KCS data"}, "The source name must be 1 to 32 lowercase letters, digits, “-” or “_”, and not “portal”."),
    ({"currency": "krw"}, "The currency must be a three-letter ISO code such as KRW."),
])
def test_the_source_and_currency_are_checked(tmp_path, options, message):
    assert problems_of(path_or_file=csv_file(tmp_path), **options) == [(None, "", message)]
    assert stored() == (0, 0)


@pytest.mark.django_db
def test_the_command_prints_the_report(tmp_path):
    out = io.StringIO()

    call_command("import_history", str(csv_file(tmp_path)), "--source", "kcs-test", "--currency", "USD", stdout=out)

    assert out.getvalue().startswith("history.csv: 4 rows read, 4 imported, 0 already present (skipped), "
                                     "8 new parties, source kcs-test, in ")
    assert set(HistoryItem.objects.values_list("source", "currency")) == {("kcs-test", "USD")}


@pytest.mark.django_db
def test_the_command_lists_the_first_fifty_problems_and_fails(tmp_path):
    rows = [kcs_row(**{"Declaration ID": f"B{n}", "HS6 Code": "12"}) for n in range(60)]
    err = io.StringIO()

    with pytest.raises(CommandError) as raised:
        call_command("import_history", str(csv_file(tmp_path, rows)), stderr=err)

    lines = err.getvalue().splitlines()
    assert lines[0] == f"{tmp_path / 'history.csv'}: not imported, 60 problem(s):"
    assert lines[1] == "  line 2, column HS6 Code: “12” is not six digits."
    assert lines[50] == "  line 51, column HS6 Code: “12” is not six digits."
    assert lines[51:] == ["  … and 10 more"]
    assert raised.value.returncode == 1
    assert stored() == (0, 0)


def test_the_command_exits_with_code_1_and_the_problems_on_stderr(tmp_path):
    """As a shell runs it (the file is refused before the database is touched)."""
    path = csv_file(tmp_path, [kcs_row(**{"Net Mass": "abc"})])

    result = subprocess.run([sys.executable, "manage.py", "import_history", str(path)], cwd=settings.BASE_DIR,
                            env=os.environ | {"DJANGO_SETTINGS_MODULE": "customs_portal.settings.test"},
                            capture_output=True, text=True, timeout=120)

    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"{path}: not imported, 1 problem(s):",
        "  line 2, column Net Mass: “abc” is not a number.",
        f"CommandError: {path} was not imported (nothing of it was written).",
    ]


@pytest.mark.django_db
def test_the_real_kcs_validation_file_is_imported_whole():
    path = KCS / "df_syn_valid_eng.csv"
    with open(path, newline="", encoding="utf-8") as file:
        labels = [row["Fraud"] for row in csv.DictReader(file)]

    report = history_import(path_or_file=path)

    assert (report.read, report.created, report.already_present) == (8134, 8134, 0) == (len(labels), 8134, 0)
    assert history_sources() == [{"source": "kcs", "rows": 8134, "labelled": 8134, "positives": labels.count("1"),
                                  "date_from": date(2021, 1, 1), "date_to": date(2021, 3, 31)}]
    assert labels.count("1") == 1704
    first = HistoryItem.objects.get(external_id="56839011")
    assert (first.source_file, first.source_line, first.transport_mode, first.item_price) == (
        "df_syn_valid_eng.csv", 2, "air", Decimal("415092.720"))


@pytest.mark.django_db
def test_the_history_stays_out_of_traders_and_officers_views(tmp_path, trader1, trader2, officer, api_client_for):
    risk_defaults_seed()  # a new enterprise's plain goods go yellow
    random_selection_off()
    class_caps_off()
    queued(trader1)
    queued(trader1)
    assert queued(trader2).channel == "yellow"
    trader_api, officer_api = api_client_for(trader1), api_client_for(officer)

    def seen():
        return (trader_api.get("/api/v1/declarations/").json()["count"],
                officer_api.get("/api/v1/declarations/").json()["count"],
                officer_api.get("/api/v1/review-queue/").json()["count"])

    before = seen()
    history_import(path_or_file=csv_file(tmp_path))

    assert HistoryItem.objects.count() == 4
    assert seen() == before
    assert before == (2, 3, 1)
