"""Reads of the history imported from outside sources (risk.learned_models.HistoryItem): what each
source holds, for the training page and the API; the lock that keeps two imports of one source apart."""
from django.db import connection
from django.db.models import Count, Max, Min, Q

from risk.learned_models import HistoryItem


def history_sources() -> list[dict]:
    """Per source, by name: its rows, those labelled (checked: `fraud` known), the positives among
    them (a discrepancy found) and its first and last declaration dates. One aggregate query."""
    return list(
        HistoryItem.objects.values("source")
        .annotate(rows=Count("id"), labelled=Count("id", filter=Q(fraud__isnull=False)),
                  positives=Count("id", filter=Q(fraud=True)),
                  date_from=Min("declared_on"), date_to=Max("declared_on"))
        .order_by("source")
    )


# The first key of pg_advisory_xact_lock(int, int): the history import's namespace; the second is the source.
_IMPORT_LOCK_NAMESPACE = 1616


def history_source_lock(*, source: str) -> None:
    """Until the end of the transaction: one import at a time into this source (risk.services.history_import)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [_IMPORT_LOCK_NAMESPACE, source])
