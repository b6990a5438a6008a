"""The risk admin's page for outside history (risk/views/history_import.py): an upload, the data set
shipped with the portal, every problem of a bad file listed and nothing imported."""
import csv

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from customs_portal.audit.models import AuditEvent
from risk.learned_models import HistoryItem, HistoryParty
from risk.views.history_import import SHIPPED, SHIPPED_FILES
from tests.security.support import HISTORY_CSV
from tests.support import client_for


def upload(content: bytes, name: str = "history.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


@pytest.mark.django_db
def test_a_risk_admin_uploads_a_file_and_reads_what_was_imported(risk_admin):
    client = client_for(risk_admin)
    response = client.post(reverse("risk:history-import"),
                           {"file": upload(HISTORY_CSV), "source": "Customs-KR", "currency": "krw"}, follow=True)
    assert response.status_code == 200
    text = response.content.decode()
    assert "history.csv: 2 rows read, 2 imported, 0 already present (skipped)" in text
    assert sorted(HistoryItem.objects.values_list("source", "external_id", "currency", "fraud")) == [
        ("customs-kr", "M0000001", "KRW", False), ("customs-kr", "M0000002", "KRW", True)]
    assert '<code>customs-kr</code>' in text  # the history available, per source
    assert AuditEvent.objects.filter(action="history_import", actor=risk_admin).count() == 1


@pytest.mark.django_db
def test_a_bad_file_is_refused_whole_with_every_problem_by_line_and_column(risk_admin):
    bad = HISTORY_CSV.replace(b"108.0", b"abc").replace(b"690722", b"6907")
    response = client_for(risk_admin).post(reverse("risk:history-import"),
                                           {"file": upload(bad), "source": "kcs", "currency": "KRW"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Nothing was imported" in text
    assert "line 2, column Net Mass" in text and "line 3, column HS6 Code" in text
    assert HistoryItem.objects.count() == 0 and HistoryParty.objects.count() == 0


@pytest.mark.django_db
def test_a_file_that_is_not_csv_is_a_clear_problem(risk_admin):
    response = client_for(risk_admin).post(reverse("risk:history-import"), {
        "file": upload(b"PK\x03\x04" + b"\x00" * 200, "history.xlsx"), "source": "kcs", "currency": "KRW"})
    assert response.status_code == 200
    assert "Nothing was imported" in response.content.decode()
    assert HistoryItem.objects.count() == 0


@pytest.mark.django_db
def test_the_shipped_data_set_is_imported_once(risk_admin):
    expected = 0
    for name in SHIPPED_FILES:
        with open(SHIPPED / name, newline="") as handle:
            expected += sum(1 for _row in csv.DictReader(handle))
    client = client_for(risk_admin)
    response = client.post(reverse("risk:history-import-shipped"), follow=True)
    assert response.status_code == 200
    assert HistoryItem.objects.filter(source="kcs").count() == expected == 37_385 + 8_134
    client.post(reverse("risk:history-import-shipped"))
    assert HistoryItem.objects.filter(source="kcs").count() == expected


@pytest.mark.django_db
def test_the_page_reads_in_vietnamese(risk_admin):
    response = client_for(risk_admin, "vi").get(reverse("risk:history-import"))
    assert response.status_code == 200
    assert "Lịch sử cho mô hình học máy" in response.content.decode()
