"""The statistics' refresh (customs_statistics/services/refresh.py): what it consumes, and one at a time."""
from io import StringIO

import psycopg2
import pytest
from django.core.management import call_command
from django.db import connection

from customs_statistics.models import DayCell, DeclarationFact, StatisticsState
from customs_statistics.services.refresh import statistics_refresh
from customs_statistics.tasks import statistics_refresh_task
from declarations.models import DeclarationChange
from tests.factories import draft_of, queued

pytestmark = pytest.mark.django_db


def test_each_transition_is_recorded_and_the_refresh_consumes_it(trader1):
    draft_of(trader1)  # a draft is not lodged: no facts
    declaration = queued(trader1)
    assert DeclarationChange.objects.filter(declaration=declaration).count() >= 2  # registered, assessed
    statistics_refresh_task()
    fact = DeclarationFact.objects.get(declaration=declaration)
    assert fact.channel == declaration.channel
    assert DeclarationFact.objects.count() == 1
    assert not DeclarationChange.objects.exists()
    assert DayCell.objects.get(days=1).declarations == DayCell.objects.get(days=7).declarations == 1


def test_a_refresh_already_running_makes_another_a_no_op(trader1):
    queued(trader1)
    settings = connection.settings_dict
    other = psycopg2.connect(dbname=settings["NAME"], user=settings["USER"], host=settings["HOST"], port=settings["PORT"])
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(hashtext('customs_statistics.refresh'))")
        assert statistics_refresh() is None
        assert DeclarationChange.objects.exists()
        assert not DeclarationFact.objects.exists()
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(hashtext('customs_statistics.refresh'))")
    finally:
        other.close()
    assert statistics_refresh().declarations == 1


def test_the_command_rebuilds_everything(trader1):
    queued(trader1)
    statistics_refresh()
    DeclarationFact.objects.all().delete()
    out = StringIO()
    call_command("statistics_refresh", "--rebuild", stdout=out)
    assert "1 declarations recomputed" in out.getvalue()
    assert DeclarationFact.objects.count() == 1


def test_a_migration_that_changes_the_tables_makes_the_next_refresh_rebuild(trader1):
    queued(trader1)
    statistics_refresh()
    DayCell.objects.all().delete()  # as a migration that replaces a table leaves it
    StatisticsState.objects.update(rebuild_needed=True)
    state = statistics_refresh()
    assert state.declarations == 1 and not state.rebuild_needed
    assert DayCell.objects.get(days=1).declarations == DayCell.objects.get(days=7).declarations == 1
    assert statistics_refresh().declarations == 0  # once
