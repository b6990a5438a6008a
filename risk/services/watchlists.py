"""Watchlisted foreign partners: the risk rule fields `partner.on_watchlist` and
`partner.watchlist_similarity` read them (risk.services.partner_match).

A partner is never deleted: deactivating keeps the row (and the audit trail of why it was
listed); adding it again reactivates it. Names are matched by their key
(`risk.names.partner_name_key`), as the engine matches declarations, so "ACME LTD",
"Acme, Ltd." and "Acmе Company Limited" (with a Cyrillic "е") in one country are one partner.
Every change writes a `WatchlistChange`, which tells the match's in-process cache to read again.
"""
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from customs_portal.audit.services import audit_record
from customs_portal.errors import DomainConflict, DomainValidationError
from risk.conditions import COUNTRY_CODES
from risk.models import WatchlistChange, WatchlistedPartner
from risk.names import partner_name_key

NAME_MAX = 255
REASON_MAX = 500


def _clean(*, name: str, country: str, reason: str) -> tuple[str, str, str]:
    name = " ".join((name or "").split())
    country = (country or "").strip().upper()
    reason = (reason or "").strip()
    errors = {}
    if not name:
        errors["name"] = [_("Give the partner's name.")]
    elif len(name) > NAME_MAX:
        errors["name"] = [_("The name is longer than %(max)d characters.") % {"max": NAME_MAX}]
    if country and country not in COUNTRY_CODES:
        errors["country"] = [_("%(value)s is not an ISO 3166 country code.") % {"value": country}]
    if len(reason) > REASON_MAX:
        errors["reason"] = [_("The reason is longer than %(max)d characters.") % {"max": REASON_MAX}]
    if errors:
        raise DomainValidationError(errors)
    return name, country, reason


def watchlisted_partner_add(*, user, name: str, country: str = "", reason: str = "") -> WatchlistedPartner:
    """Put a partner on the watchlist (an empty country means: in any country).

    A partner already listed and active is an error; one listed earlier and deactivated
    is reactivated with the new reason.
    """
    name, country, reason = _clean(name=name, country=country, reason=reason)
    name_key = partner_name_key(name)
    try:
        with transaction.atomic():
            existing = (
                WatchlistedPartner.objects.select_for_update()
                .filter(name_key=name_key, country=country)
                .order_by("-active", "id")
                .first()
            )
            if existing is not None and existing.active:
                raise DomainValidationError({"name": [_("%(partner)s is already on the watchlist.") % {"partner": existing}]})
            if existing is not None:
                existing.active, existing.reason = True, reason
                existing.save(update_fields=["active", "reason"])
                partner, reactivated = existing, True
            else:
                partner = WatchlistedPartner.objects.create(name=name, name_key=name_key, country=country, reason=reason)
                reactivated = False
            WatchlistChange.objects.create(partner=partner, active=True)
            audit_record(declaration=None, actor=user, action="watchlist_partner_add", data={
                "partner": partner.pk, "name": partner.name, "name_key": partner.name_key, "country": partner.country,
                "reason": reason, "reactivated": reactivated})
    except IntegrityError:
        # Two admins adding the same partner at once: the unique constraint lets one win.
        raise DomainValidationError({"name": [_("%(partner)s is already on the watchlist.") % {"partner": name}]}) from None
    return partner


@transaction.atomic
def watchlisted_partner_deactivate(*, partner: WatchlistedPartner, user) -> WatchlistedPartner:
    """Take a partner off the watchlist; the row stays, inactive, for the record."""
    locked = WatchlistedPartner.objects.select_for_update().get(pk=partner.pk)
    if not locked.active:
        raise DomainConflict(_("%(partner)s is not on the watchlist any more.") % {"partner": locked}, code="inactive")
    locked.active = False
    locked.save(update_fields=["active"])
    WatchlistChange.objects.create(partner=locked, active=False)
    audit_record(declaration=None, actor=user, action="watchlist_partner_deactivate", data={
        "partner": locked.pk, "name": locked.name, "country": locked.country})
    return locked
