"""reference.selectors.versions.reference_data_version (plain SQL, read on every validation) returns
what the ORM reads. The tariff look-up's ranking (raw SQL in reference.selectors.tariff_lookup) is
tested on the full tariff in test_tariff_lookup.py."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reference.models import ReferenceDataVersion, Unit
from reference.selectors.versions import reference_data_version

pytestmark = pytest.mark.django_db


def test_the_version_is_the_orms_in_one_query():
    with CaptureQueriesContext(connection) as queries:
        version = reference_data_version()
    assert len(queries) == 1
    assert version == ReferenceDataVersion.objects.get(pk=1).version
    Unit.objects.create(code="ZZZ", name="test unit")
    assert reference_data_version() == ReferenceDataVersion.objects.get(pk=1).version > version


def test_no_version_before_the_first_load():
    ReferenceDataVersion.objects.all().delete()
    assert reference_data_version() is None
