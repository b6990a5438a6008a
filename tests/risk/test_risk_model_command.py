"""`manage.py risk_model score FILE --out FILE`: one `Declaration ID,score` row per input row, in the
file's order, with the active model; the label columns ignored; a bad file scores nothing."""
import csv

import pytest
from django.core.management import CommandError, call_command

from risk.learned.kcs import COLUMNS
from risk.learned_models import RiskModelVersion
from risk.services.model_score import history_file_score
from tests.risk.model_support import trained_artifact

pytestmark = pytest.mark.django_db

ROWS = [
    ["B3", "2026-05-02", "03CE", "B", "11", "21", "11", "10", "D1", "I1", "S1", "", "847130", "CN", "CN", "8.0", "A", "Y", "10.0", "5000.0", "1", "2"],
    ["A1", "2026-05-01", "01B1", "B", "11", "21", "11", "40", "D2", "I2", "", "", "610910", "KR", "KR", "13.0", "C", "E", "2.0", "300.0", "0", "0"],
    ["C7", "2026-05-03", "03CE", "B", "11", "21", "11", "10", "D1", "I1", "S1", "", "847130", "CN", "CN", "8.0", "A", "Y", "10.0", "5000.0", "0", "0"],
]


def write(path, rows, columns=(*COLUMNS, "Fraud", "Critical Fraud")):
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        writer.writerows(rows)
    return path


@pytest.fixture
def active():
    result = trained_artifact()
    return RiskModelVersion.objects.create(number=1, state="ready", active=True, artifact=result.artifact.to_bytes())


def test_every_row_is_scored_in_the_files_order_with_the_labels_ignored(active, tmp_path):
    source, out = write(tmp_path / "in.csv", ROWS), tmp_path / "scores.csv"
    call_command("risk_model", "score", str(source), "--out", str(out))
    with open(out, newline="") as handle:
        written = list(csv.reader(handle))
    assert written[0] == ["Declaration ID", "score"]
    assert [row[0] for row in written[1:]] == ["B3", "A1", "C7"]
    assert all(0.0 <= float(row[1]) <= 1.0 for row in written[1:])
    # B3 and C7 differ only in their ID and labels: each scored alone against the same state, alike.
    assert written[1][1] == written[3][1]
    unlabelled = write(tmp_path / "unlabelled.csv", [row[:-2] for row in ROWS], columns=COLUMNS)
    with open(unlabelled, newline="") as handle:
        assert [(key, f"{score:.6f}") for key, score in history_file_score(lines=handle, artifact_bytes=active.artifact)] == \
            [tuple(row) for row in written[1:]]


def test_a_bad_row_scores_nothing(active, tmp_path):
    bad = [*ROWS[:1], [*ROWS[1][:12], "6109", *ROWS[1][13:]]]
    out = tmp_path / "scores.csv"
    with pytest.raises(CommandError, match="1 bad rows; nothing was scored"):
        call_command("risk_model", "score", str(write(tmp_path / "in.csv", bad)), "--out", str(out))
    assert not out.exists()


def test_without_an_active_model_it_says_so(tmp_path):
    with pytest.raises(CommandError, match="no model is active"):
        call_command("risk_model", "score", str(write(tmp_path / "in.csv", ROWS)), "--out", str(tmp_path / "o.csv"))
