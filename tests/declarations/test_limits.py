"""The law's time limits before clearance, each at its boundary (declarations/services/limits.py):
drafts warned at 6 days untouched and expired at 7; registrations cancelled at 15 days unless customs
holds them or a payment was credited. The beat task itself runs under a controlled clock."""
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from customs_portal.audit.models import AuditEvent
from customs_portal.errors import DomainConflict
from declarations.lifecycle import Status
from declarations.models import Declaration, Notice
from declarations.services.copies import declaration_copy
from declarations.services.declarations import declaration_as_data, declaration_update
from declarations.services.limits import drafts_expire, drafts_expiry_warn, registrations_lapse
from declarations.tasks import time_limits_enforce_task
from payments.models import Payment, PaymentStatus
from tests.factories import draft_of, registered
from tests.support import client_for, html_of

pytestmark = pytest.mark.django_db
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 12, 4, 10, 0, tzinfo=HANOI)


def untouched_since(declaration, moment) -> None:
    Declaration.objects.filter(pk=declaration.pk).update(updated_at=moment)  # update() leaves auto_now alone


def registered_at(declaration, moment, **fields) -> None:
    Declaration.objects.filter(pk=declaration.pk).update(registered_at=moment, **fields)


def status_of(declaration) -> str:
    return Declaration.objects.get(pk=declaration.pk).status


class TestDraftExpiry:
    def test_warned_at_6_days_once_not_before(self, trader1):
        early, due = draft_of(trader1), draft_of(trader1)
        untouched_since(early, NOW - timedelta(days=6) + timedelta(seconds=1))
        untouched_since(due, NOW - timedelta(days=6))
        assert drafts_expiry_warn(now=NOW) == 1
        assert drafts_expiry_warn(now=NOW) == 0  # sent once
        notice = Notice.objects.get()
        assert (notice.declaration_id, notice.kind, notice.enterprise_id) == (due.pk, "draft_expiring", trader1.enterprise_id)
        assert notice.params["expires_at"] == (NOW + timedelta(days=1)).isoformat()
        assert status_of(due) == status_of(early) == "draft"

    def test_expired_at_7_days_not_at_6_days_23_59(self, trader1):
        kept, expired = draft_of(trader1), draft_of(trader1)
        untouched_since(kept, NOW - timedelta(days=6, hours=23, minutes=59))
        untouched_since(expired, NOW - timedelta(days=7))
        assert drafts_expire(now=NOW) == 1
        assert drafts_expire(now=NOW) == 0  # idempotent
        assert (status_of(kept), status_of(expired)) == ("draft", "expired")
        event = AuditEvent.objects.get(declaration=expired, action="expire")
        assert (event.actor, event.from_status, event.to_status) == (None, "draft", "expired")
        assert event.reason == "Draft untouched for 7 days"
        assert datetime.fromisoformat(event.data["untouched_since"]) == NOW - timedelta(days=7)
        assert list(Notice.objects.values_list("declaration_id", "kind")) == [(expired.pk, "draft_expired")]
        assert Declaration.objects.filter(pk=expired.pk).exists()  # kept, never deleted

    def test_an_edit_restarts_the_clock(self, trader1):
        draft = draft_of(trader1)
        untouched_since(draft, NOW - timedelta(days=8))
        with time_machine.travel(NOW - timedelta(days=1), tick=False):
            declaration_update(declaration=draft, user=trader1, data=declaration_as_data(declaration=draft))
        assert drafts_expire(now=NOW) == 0 and status_of(draft) == "draft"

    def test_an_expired_draft_is_read_only_and_can_be_copied(self, trader1):
        draft = draft_of(trader1)
        untouched_since(draft, NOW - timedelta(days=7))
        drafts_expire(now=NOW)
        expired = Declaration.objects.get(pk=draft.pk)
        with pytest.raises(DomainConflict):
            declaration_update(declaration=expired, user=trader1, data=declaration_as_data(declaration=expired))
        copy = declaration_copy(declaration=expired, user=trader1)
        assert copy.status == "draft" and copy.pk != expired.pk and copy.tax_total == expired.tax_total

    @pytest.mark.parametrize("language, label, note", [
        ("en", "Expired", "This draft expired"), ("vi", "Hết hạn", "Bản nháp này đã hết hạn")])
    def test_the_expired_draft_page(self, trader1, language, label, note):
        draft = draft_of(trader1)
        untouched_since(draft, NOW - timedelta(days=7))
        drafts_expire(now=NOW)
        page = html_of(client_for(trader1, language).get(reverse("declarations:detail", args=[draft.pk])))
        assert f'data-status="expired" data-declaration-id="{draft.pk}"' in page and f">{label}</span>" in page
        assert note in page and 'id="copy-declaration"' in page
        assert 'id="edit-declaration"' not in page and 'id="submit-declaration"' not in page
        assert 'id="cancel-declaration"' not in page
        listing = html_of(client_for(trader1, language).get(reverse("declarations:list")))
        assert 'id="notices-unread"' in listing and f"#{draft.pk}" in listing


class TestRegistrationValidity:
    def test_cancelled_at_15_days_kept_a_second_before(self, trader1):
        kept, lapsed = registered(trader1), registered(trader1)
        registered_at(kept, NOW - timedelta(days=15) + timedelta(seconds=1))
        registered_at(lapsed, NOW - timedelta(days=15), status=Status.ASSESSED)
        assert registrations_lapse(now=NOW) == 1
        assert registrations_lapse(now=NOW) == 0
        assert (status_of(kept), status_of(lapsed)) == ("registered", "cancelled")
        event = AuditEvent.objects.get(declaration=lapsed, action="cancel")
        assert (event.actor, event.from_status, event.to_status, event.data["automatic"]) == (None, "assessed", "cancelled", True)
        assert "15 days" in event.reason
        notice = Notice.objects.get(declaration=lapsed)
        assert (notice.kind, notice.params["number"]) == ("registration_lapsed", lapsed.number)

    @pytest.mark.parametrize("held", ["under_review", "under_inspection"])
    def test_held_by_customs_is_kept(self, trader1, held):
        declaration = registered(trader1)
        registered_at(declaration, NOW - timedelta(days=40), status=held)
        assert registrations_lapse(now=NOW) == 0 and status_of(declaration) == held

    def test_part_paid_is_kept(self, trader1):
        declaration = registered(trader1)
        registered_at(declaration, NOW - timedelta(days=20), status=Status.ASSESSED)
        Payment.objects.create(declaration=declaration, reference="PART-1", amount=Decimal("1000000"),
                               tax_amount=Decimal("1000000"), interest_amount=0, status=PaymentStatus.CREDITED,
                               started_by=trader1, applied_tax=Decimal("1000000"), bank_transaction_id="SB-PART-1",
                               receipt_number="R-PART-1", credited_at=NOW - timedelta(days=3))
        assert registrations_lapse(now=NOW) == 0 and status_of(declaration) == "assessed"

    def test_the_beat_task_under_the_clock(self, trader1):
        draft, declaration = draft_of(trader1), registered(trader1)
        untouched_since(draft, NOW - timedelta(days=7))
        registered_at(declaration, NOW - timedelta(days=15))
        with time_machine.travel(NOW - timedelta(seconds=1), tick=False):
            assert time_limits_enforce_task.apply().get() == {"warned": 1, "expired": 0, "lapsed": 0}
        with time_machine.travel(NOW, tick=False):
            assert time_limits_enforce_task.apply().get() == {"warned": 0, "expired": 1, "lapsed": 1}
            assert time_limits_enforce_task.apply().get() == {"warned": 0, "expired": 0, "lapsed": 0}
        assert (status_of(draft), status_of(declaration)) == ("expired", "cancelled")
        assert sorted(Notice.objects.values_list("kind", flat=True)) == ["draft_expired", "draft_expiring", "registration_lapsed"]
