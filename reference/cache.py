"""Per-process copies of the reference rows that every declaration looks up.

Validating and taxing one declaration reads seven code lists and tables (customs offices,
countries, ports, currencies, units, tariff lines, exchange rates); reading them took more
time than the rest of the validation. They change only through the loader or Django's admin
(`reference/admin.py`: taxes of tariff lines, MFN treatment, exchange rates), and database
triggers (declarations migration 0009) give every such change a new `ReferenceDataVersion`.
A lookup reads that one row and, when it moved, drops everything this process had copied,
so the next request after a change sees it: no expiry to wait for, no stale tariff.

The copies are shared by the threads of a web process and must not be modified.
Codes that do not exist are not remembered (hostile input cannot grow the copies), and a
table's copy is dropped whole when it grows past MAX_ROWS.
"""
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db import models

from reference.selectors.versions import reference_data_version

MAX_ROWS = 50_000
_MISSING = object()


class ReferenceCopies:
    """The rows copied under one reference data version; get it from `reference_copies()`."""

    def __init__(self, version: int | None | object):
        self.version = version
        self._tables: dict[str, dict] = {}

    def _table(self, name: str) -> dict:
        rows = self._tables.get(name)
        if rows is None or len(rows) > MAX_ROWS:
            rows = self._tables[name] = {}
        return rows

    def rows(self, model: type[models.Model], keys: Iterable[str], *, field: str = "pk") -> dict[str, models.Model]:
        """`model` rows whose `field` is one of `keys`, by that value (as `in_bulk`); unknown keys are left out."""
        keys = set(keys)
        copies = self._table(f"{model._meta.label}.{field}")
        found = {key: copies[key] for key in keys if key in copies}
        missing = keys - found.keys()
        if missing:
            attname = model._meta.pk.attname if field == "pk" else field
            for row in model.objects.filter(**{f"{field}__in": missing}):
                key = getattr(row, attname)
                copies[key] = found[key] = row
        return found

    def row(self, model: type[models.Model], key: str, *, field: str = "pk") -> models.Model | None:
        return self.rows(model, [key], field=field).get(key)

    def exchange_rate(self, *, currency: str, on: date) -> tuple[Decimal, date] | None:
        """The rate in force for `currency` on `on` (latest dated on or before it), with its date; None if none is."""
        from reference.models import ExchangeRate

        copies = self._table("exchange_rates")
        key = (currency, on)
        if key not in copies:
            rate = ExchangeRate.objects.filter(currency_id=currency, valid_on__lte=on).order_by("-valid_on").first()
            copies[key] = (rate.rate, rate.valid_on) if rate else None
        return copies[key]


_copies = ReferenceCopies(version=_MISSING)  # matches no version: the first lookup reads everything


def reference_copies() -> ReferenceCopies:
    """This process's copies (one query: the version), emptied first if the reference data changed."""
    global _copies
    version = reference_data_version()
    copies = _copies
    if copies.version != version:
        copies = _copies = ReferenceCopies(version)
    return copies
