"""Per-process copies of the reference data (reference.cache): a change made through
the database is seen by the next lookup, in this process and in any other."""
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from reference.cache import reference_copies
from reference.models import Country, ExchangeRate, ReferenceDataVersion, TariffLine, Unit

pytestmark = pytest.mark.django_db


def test_a_second_lookup_reads_only_the_version():
    reference_copies().rows(Country, {"CN", "VN"})
    with CaptureQueriesContext(connection) as queries:
        rows = reference_copies().rows(Country, {"CN", "VN"})
    assert set(rows) == {"CN", "VN"}
    assert len(queries) == 1 and "referencedataversion" in queries[0]["sql"]


@pytest.mark.parametrize("change", ["update", "insert", "delete"])
def test_every_write_to_a_reference_table_moves_the_version(change):
    before = ReferenceDataVersion.objects.get().version
    if change == "update":
        TariffLine.objects.filter(hs_code="84713020").update(vat_rate=Decimal("8"))
    elif change == "insert":
        Unit.objects.create(code="ZZZ", name="test unit")
    else:
        ExchangeRate.objects.filter(currency_id="EUR").order_by("-valid_on")[:1].get().delete()
    assert ReferenceDataVersion.objects.get().version > before


def test_a_changed_row_is_read_again():
    line = reference_copies().row(TariffLine, "84713020", field="hs_code")
    TariffLine.objects.filter(pk=line.pk).update(vat_rate=line.vat_rate + 1)
    assert reference_copies().row(TariffLine, "84713020", field="hs_code").vat_rate == line.vat_rate + 1


def test_a_changed_exchange_rate_is_read_again():
    copies = reference_copies()
    rate, valid_on = copies.exchange_rate(currency="USD", on=ExchangeRate.objects.filter(currency_id="USD").latest("valid_on").valid_on)
    ExchangeRate.objects.filter(currency_id="USD", valid_on=valid_on).update(rate=rate + 1)
    assert reference_copies().exchange_rate(currency="USD", on=valid_on) == (rate + 1, valid_on)


def test_a_rolled_back_change_never_shares_a_version_with_a_later_one():
    """Versions come from a sequence: after a rollback the next change gets a number never seen before."""
    seen = {ReferenceDataVersion.objects.get().version}
    try:
        with transaction.atomic():
            Unit.objects.create(code="ZZY", name="rolled back")
            seen.add(ReferenceDataVersion.objects.get().version)
            raise RuntimeError
    except RuntimeError:
        pass
    assert ReferenceDataVersion.objects.get().version in seen
    Unit.objects.create(code="ZZX", name="kept")
    assert ReferenceDataVersion.objects.get().version not in seen


def test_unknown_codes_are_not_remembered():
    """Hostile input cannot fill the copies: an unknown code is looked up in the database every time."""
    assert reference_copies().rows(Unit, {"QQQ"}) == {}
    with CaptureQueriesContext(connection) as queries:
        assert reference_copies().rows(Unit, {"QQQ"}) == {}
    assert len(queries) == 2 and "declarations_unit" in queries[1]["sql"]
