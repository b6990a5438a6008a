"""The audit trail is append-only, enforced by PostgreSQL itself."""
import pytest
from django.db import DatabaseError, transaction

from customs_portal.audit.models import AuditEvent
from customs_portal.audit.services import audit_record
from tests.factories import registered
from tests.payloads import plain_import_body

pytestmark = pytest.mark.django_db


def test_audit_events_cannot_be_changed_or_deleted(trader1):
    declaration = registered(trader1, plain_import_body())
    event = AuditEvent.objects.get(declaration=declaration, action="submit")
    attempts = [
        lambda: AuditEvent.objects.filter(pk=event.pk).update(reason="rewritten"),
        lambda: AuditEvent.objects.filter(pk=event.pk).delete(),
        lambda: (setattr(event, "to_status", "cleared"), event.save()),
    ]
    for attempt in attempts:
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            attempt()
    fresh = AuditEvent.objects.get(pk=event.pk)
    assert (fresh.reason, fresh.to_status) == ("", "registered")


def test_new_events_can_still_be_written(trader1):
    before = AuditEvent.objects.count()
    audit_record(declaration=None, actor=trader1, action="test")
    assert AuditEvent.objects.count() == before + 1
