"""The exchange rate in force."""
from datetime import date
from decimal import Decimal

from reference.cache import ReferenceCopies, reference_copies

VND_RATE = Decimal("1")


def exchange_rate_in_force(*, currency: str, on: date, references: ReferenceCopies | None = None) -> tuple[Decimal, date] | None:
    """The VND rate of `currency` in force on `on` (the latest rate dated on or before it), with its date."""
    if currency == "VND":
        return VND_RATE, on
    return (references or reference_copies()).exchange_rate(currency=currency, on=on)
