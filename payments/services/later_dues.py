"""Amounts raised on a declaration after it was cleared, paid through the same e-payment flow.

A post-clearance audit that finds duties under-declared raises an additional assessment: more
taxes, with late interest from the declaration's ORIGINAL due date. The trader pays it like any
amount due (`payment_start`, the bank, `payment_credit`); only the origin of the debt differs.
payments does not know who raises it: an app above payments (post_clearance) registers a
provider in its `AppConfig.ready()` (`later_dues_provider_register`), so payments imports none of it.

The declaration's `amount_due` holds what is still owed of them once it is cleared (no tax of the
declaration's own is then outstanding): the provider keeps it up to date (`declaration_later_dues_sync`).
"""
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Protocol

from declarations.models import Declaration
from declarations.models import PaymentStatus as DeclarationPaymentStatus

ZERO = Decimal("0")


@dataclass(frozen=True)
class LaterDue:
    """One debt raised after clearance, as it stands on a day: taxes by name (declarations.services.taxes
    TAX_NAMES order) and late interest outstanding."""

    key: str  # the provider's reference of the debt, e.g. "post_clearance:12"
    taxes: dict[str, Decimal] = field(default_factory=dict)
    interest: Decimal = ZERO

    @property
    def tax(self) -> Decimal:
        return sum(self.taxes.values(), ZERO)

    @property
    def total(self) -> Decimal:
        return self.tax + self.interest


class LaterDuesProvider(Protocol):
    def dues(self, *, declaration: Declaration, on: date) -> list[LaterDue]:
        """The debts outstanding on `on` (the caller holds the declaration's row lock)."""

    def pay(self, *, declaration: Declaration, key: str, tax: Decimal, interest: Decimal, on: date, payment) -> None:
        """Record that `payment` paid `tax` and `interest` of the debt `key` (same transaction)."""


_providers: list[LaterDuesProvider] = []


def later_dues_provider_register(provider: LaterDuesProvider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def later_dues(*, declaration: Declaration, on: date) -> list[LaterDue]:
    return [due for provider in _providers for due in provider.dues(declaration=declaration, on=on) if due.total > 0]


def _provider_of(key: str) -> LaterDuesProvider:
    prefix = key.split(":", 1)[0]
    for provider in _providers:
        if getattr(provider, "prefix", None) == prefix:
            return provider
    raise LookupError(f"no provider of later dues for {key!r}")


def later_dues_breakdown(dues: list[LaterDue]) -> dict[str, Decimal]:
    """What paying all of `dues` pays, by tax (and "late_interest"), as a receipt lists it."""
    parts: dict[str, Decimal] = {}
    for due in dues:
        for name, amount in due.taxes.items():
            if amount:
                parts[name] = parts.get(name, ZERO) + amount
        if due.interest:
            parts["late_interest"] = parts.get("late_interest", ZERO) + due.interest
    return parts


def later_dues_apply(*, declaration: Declaration, dues: list[LaterDue], amount: Decimal, on: date,
                     payment) -> tuple[Decimal, Decimal, dict[str, Decimal]]:
    """Apply `amount` to `dues`, oldest first, taxes before interest; returns (tax, interest,
    breakdown) applied. The caller holds the declaration's lock."""
    applied_tax = applied_interest = ZERO
    parts: dict[str, Decimal] = {}
    remaining = amount
    for due in dues:
        tax = interest = ZERO
        for name, owed in due.taxes.items():
            part = min(owed, remaining)
            if part > 0:
                parts[name] = parts.get(name, ZERO) + part
                tax += part
                remaining -= part
        interest = min(due.interest, remaining) if tax == due.tax else ZERO
        remaining -= interest
        if interest:
            parts["late_interest"] = parts.get("late_interest", ZERO) + interest
        if tax or interest:
            _provider_of(due.key).pay(declaration=declaration, key=due.key, tax=tax, interest=interest, on=on, payment=payment)
        applied_tax += tax
        applied_interest += interest
    return applied_tax, applied_interest, parts


def declaration_later_dues_sync(*, declaration: Declaration, on: date) -> Decimal:
    """Set a cleared (or released) declaration's `amount_due` and `payment_status` to what its later
    dues leave to pay on `on`; the caller holds the row lock. Returns the amount due."""
    owed = sum((due.total for due in later_dues(declaration=declaration, on=on)), ZERO)
    settled_before = declaration.tax_total > 0 or declaration.payment_status != DeclarationPaymentStatus.NOT_DUE
    status = (DeclarationPaymentStatus.UNPAID if owed > 0
              else DeclarationPaymentStatus.PAID if settled_before else DeclarationPaymentStatus.NOT_DUE)
    if (declaration.amount_due, declaration.payment_status) != (owed, status):
        declaration.amount_due = owed
        declaration.payment_status = status
        declaration.save(update_fields=["amount_due", "payment_status", "updated_at"])
    return owed

