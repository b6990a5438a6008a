"""Reference unit prices for the valuation check (`items.unit_price_vs_reference`).

A reference price applies to an HS code or prefix (2 to 8 digits) in one unit; the engine
uses the longest prefix of an item's code that has a price in the item's unit. A prefix
must lead to at least one line of the tariff, so that a typo cannot create a price that
never applies. Every change is audited with the values before and after.
"""
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from customs_portal.audit.services import audit_record
from customs_portal.errors import DomainValidationError
from reference.models import TariffLine, Unit
from risk.models import ReferencePrice

PRICE_MAX = Decimal("1e16")  # max_digits=18 with 2 decimal places
NOTE_MAX = 300


def _clean(*, hs_code, unit, price_vnd, note) -> dict:
    errors = {}
    hs_code = "".join(str(hs_code or "").split()).replace(".", "")
    if not (hs_code.isdigit() and 2 <= len(hs_code) <= 8):
        errors["hs_code"] = [_("An HS code or prefix has 2 to 8 digits.")]
    elif not TariffLine.objects.filter(hs_code__startswith=hs_code).exists():
        errors["hs_code"] = [_("No tariff line starts with %(code)s.") % {"code": hs_code}]
    unit_code = str(getattr(unit, "pk", unit) or "").strip().upper()
    if not Unit.objects.filter(pk=unit_code).exists():
        errors["unit"] = [_("%(unit)s is not a unit of the code list.") % {"unit": unit_code or "—"}]
    try:
        price = Decimal(str(price_vnd)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        price = None
    if price is None or not price.is_finite() or price <= 0 or price >= PRICE_MAX:
        errors["price_vnd"] = [_("The reference price is an amount in VND above 0.")]
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        errors["note"] = [_("The note is longer than %(max)d characters.") % {"max": NOTE_MAX}]
    if errors:
        raise DomainValidationError(errors)
    return {"hs_code": hs_code, "unit_id": unit_code, "price_vnd": price, "note": note}


def _as_data(price: ReferencePrice) -> dict:
    return {"hs_code": price.hs_code, "unit": price.unit_id, "price_vnd": str(price.price_vnd), "note": price.note}


def reference_price_set(*, user, hs_code: str, unit, price_vnd, note: str = "",
                        reference_price: ReferencePrice | None = None) -> ReferencePrice:
    """Create a reference price, or change `reference_price` (its code, unit, price or note).

    One price per code and unit: creating a second one, or changing one onto the code and
    unit of another, is a validation error that points at the existing price.
    """
    values = _clean(hs_code=hs_code, unit=unit, price_vnd=price_vnd, note=note)
    duplicate = ReferencePrice.objects.filter(hs_code=values["hs_code"], unit_id=values["unit_id"])
    if reference_price is not None:
        duplicate = duplicate.exclude(pk=reference_price.pk)
    if duplicate.exists():
        raise DomainValidationError({"hs_code": [
            _("%(code)s already has a reference price in %(unit)s; change that one.")
            % {"code": values["hs_code"], "unit": values["unit_id"]}]})
    try:
        with transaction.atomic():
            if reference_price is None:
                price = ReferencePrice.objects.create(**values)
                before = None
            else:
                price = ReferencePrice.objects.select_for_update().get(pk=reference_price.pk)
                before = _as_data(price)
                for name, value in values.items():
                    setattr(price, name, value)
                price.save(update_fields=[*values, "updated_at"])
            audit_record(declaration=None, actor=user, action="reference_price_set",
                         data={"reference_price": price.pk, "before": before, "after": _as_data(price)})
    except IntegrityError:
        raise DomainValidationError({"hs_code": [
            _("%(code)s already has a reference price in %(unit)s; change that one.")
            % {"code": values["hs_code"], "unit": values["unit_id"]}]}) from None
    return price


@transaction.atomic
def reference_price_delete(*, reference_price: ReferencePrice, user) -> None:
    """Remove a reference price. Assessments keep the ratios they were decided on."""
    locked = ReferencePrice.objects.select_for_update().filter(pk=reference_price.pk).first()
    if locked is None:
        return
    audit_record(declaration=None, actor=user, action="reference_price_delete",
                 data={"reference_price": locked.pk, "before": _as_data(locked)})
    locked.delete()
