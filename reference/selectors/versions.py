"""The version of the reference data: every write to a reference table gives it a new one (triggers)."""
from django.db import connection

from reference.models import ReferenceDataVersion


def reference_data_version() -> int | None:
    """The current version (None before the first load). Read on every validation, so plain SQL: one
    short query that Django does not compile (tests/reference/test_selectors_against_orm.py)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT version FROM {ReferenceDataVersion._meta.db_table} WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else None
