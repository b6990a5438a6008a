"""The benchmark's generator (bench/statistics_data.py) writes declarations the statistics derive exactly:
a rebuild finds a fact for every one, with the channels the raw tables hold and durations that make
sense; a second batch with change records is what an incremental refresh picks up."""
import pytest
from django.db import connection
from stdnum.vn import mst

from bench.statistics_data import statistics_data_generate
from customs_portal.accounts.models import Enterprise
from customs_statistics.models import DeclarationFact
from customs_statistics.services.refresh import statistics_refresh
from declarations.models import Declaration, DeclarationChange

pytestmark = pytest.mark.django_db


def _rows(sql: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def test_a_rebuild_derives_a_fact_for_every_generated_declaration_with_its_channel():
    figures = statistics_data_generate(n=300, enterprises=40, officers=30, chunk=120)

    assert figures["declarations"] == 300 == Declaration.objects.count()
    assert figures["audit events"] > 3 * 300 and figures["goods items"] >= 300 and figures["payments"] > 0
    assert DeclarationChange.objects.count() == 0
    assert all(mst.is_valid(code) for code in Enterprise.objects.values_list("tax_code", flat=True))
    state = statistics_refresh(rebuild=True)
    assert state.declarations == 300 == DeclarationFact.objects.count()
    raw = dict(_rows("SELECT channel, COUNT(*) FROM declarations_declaration WHERE channel IS NOT NULL GROUP BY 1"))
    facts = dict(_rows("SELECT channel, COUNT(*) FROM statistics_declaration_fact WHERE channel <> '' GROUP BY 1"))
    assert facts == raw == {name: count for name, count in figures["channels"].items() if count}
    assert set(raw) == {"green", "yellow", "red"}
    ((negative, held_over, checked, concluded, decided),) = _rows("""
        SELECT COUNT(*) FILTER (WHERE LEAST(to_assessment, to_clearance, trader_held, customs_held, to_release) < 0),
               COUNT(*) FILTER (WHERE trader_held > to_clearance), COUNT(*) FILTER (WHERE checked),
               COUNT(*) FILTER (WHERE concluded), COUNT(*) FILTER (WHERE decided_by_id IS NOT NULL)
          FROM statistics_declaration_fact""")
    assert negative == 0 and held_over == 0
    assert checked == raw["yellow"] + raw["red"] and 0 < decided <= concluded <= checked


def test_a_second_batch_with_change_records_is_what_the_incremental_refresh_picks_up():
    statistics_data_generate(n=200, enterprises=40, officers=30)
    statistics_refresh(rebuild=True)

    added = statistics_data_generate(n=50, days=3, enterprises=40, officers=30, changes=True)

    assert added["change records"] == DeclarationChange.objects.count() >= 2 * 50
    assert Enterprise.objects.count() == 40  # the population is read back, not created again
    state = statistics_refresh()
    assert state.declarations == 50
    assert DeclarationFact.objects.count() == 250 == Declaration.objects.count()
    assert DeclarationChange.objects.count() == 0
