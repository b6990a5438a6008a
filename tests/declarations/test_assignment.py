"""Assignment of yellow and red declarations to officers of their office: the least open work
first, ties to whom was given work the longest ago; an office without officers leaves the work in
its pool, visible; supervisors reassign (audited); absent officers' work goes back to the others."""
import pytest
from django.core.exceptions import PermissionDenied

from customs_portal.accounts.models import Role
from customs_portal.audit.models import AuditEvent
from customs_portal.errors import DomainConflict, DomainValidationError
from declarations.models import Declaration
from declarations.selectors import review_queue
from declarations.services.assignment import assignments_rebalance, declaration_assign
from reference.models import CustomsOffice
from tests.factories import UserFactory, queued
from tests.support import client_for, html_of

pytestmark = pytest.mark.django_db
OFFICE = "03CE"  # the office of tests.payloads' declarations


def officer_of(username, *offices, **fields):
    return UserFactory(username=username, role=Role.OFFICER, offices=[CustomsOffice.objects.get(pk=code) for code in offices],
                       **fields)


def closed(declaration) -> None:
    """The check is over (the officer cleared it): no longer open work."""
    Declaration.objects.filter(pk=declaration.pk).update(status="cleared")


@pytest.fixture
def two(rules):
    return officer_of("lan", OFFICE), officer_of("minh", OFFICE)


def test_the_least_open_work_first_and_ties_to_the_longest_since_the_last(two, trader2):
    lan, minh = two
    first = queued(trader2)  # nobody has work, nobody was ever given any: by id
    assert (first.status, first.assigned_to) == ("under_review", lan)
    assert first.assigned_at is not None
    second = queued(trader2)  # lan has one open, minh none
    assert second.assigned_to == minh
    closed(first)
    third = queued(trader2)  # lan 0 open, minh 1
    assert third.assigned_to == lan
    closed(second), closed(third)
    fourth = queued(trader2)  # both 0: minh was given work the longest ago
    assert fourth.assigned_to == minh


def test_the_assessment_event_records_the_officer(two, trader2):
    declaration = queued(trader2)
    event = AuditEvent.objects.get(declaration=declaration, action="assess")
    assert event.data["assigned_to"] == two[0].pk


def test_green_declarations_are_not_assigned(two, trader1):
    declaration = queued(trader1)
    assert declaration.channel == "green" and declaration.assigned_to is None
    assert "assigned_to" not in AuditEvent.objects.get(declaration=declaration, action="assess").data


def test_absent_deactivated_and_other_offices_officers_get_no_new_work(rules, trader2):
    officer_of("away", OFFICE, available=False)
    officer_of("gone", OFFICE, is_active=False)
    officer_of("elsewhere", "01B1")
    UserFactory(username="hq", role=Role.OFFICER, all_offices=True)  # sees every office, is given none
    present = officer_of("present", OFFICE)
    assert [queued(trader2).assigned_to for _ in range(2)] == [present, present]


def test_an_office_without_officers_keeps_its_work_unassigned_and_visible(rules, trader2):
    of_office = officer_of("elsewhere-but-here", "01B1", OFFICE)
    of_office.available = False
    of_office.save(update_fields=["available"])
    hq = UserFactory(username="hq", role=Role.OFFICER, all_offices=True)
    other = officer_of("other", "01B1")
    declaration = queued(trader2)
    assert declaration.status == "under_review" and declaration.assigned_to is None
    assert AuditEvent.objects.get(declaration=declaration, action="assess").data["assigned_to"] is None
    for officer in (of_office, hq):
        assert list(review_queue(officer=officer, assigned="none")) == [declaration]
        assert declaration in review_queue(officer=officer)
        assert list(review_queue(officer=officer, assigned="me")) == []
    assert list(review_queue(officer=other, assigned="none")) == []


def test_the_limit_of_open_work(two, trader2, settings):
    settings.REVIEW_ASSIGNMENT_MAX_OPEN = 1
    assert [queued(trader2).assigned_to for _ in range(3)] == [two[0], two[1], None]


def test_assignment_can_be_switched_off(two, trader2, settings):
    settings.REVIEW_ASSIGNMENT = "none"
    assert queued(trader2).assigned_to is None


class TestReassign:
    def test_a_supervisor_reassigns_audited(self, two, trader2):
        lan, minh = two
        chief = officer_of("chief", OFFICE, is_supervisor=True)
        declaration = queued(trader2)
        assert declaration.assigned_to == lan
        declaration_assign(declaration_id=declaration.pk, actor=chief, officer_id=minh.pk, reason="Lan is in training")
        declaration.refresh_from_db()
        assert declaration.assigned_to == minh
        event = AuditEvent.objects.get(declaration=declaration, action="assign")
        assert (event.actor, event.reason, event.data, event.from_status) == (
            chief, "Lan is in training", {"from": lan.pk, "to": minh.pk}, "")
        declaration_assign(declaration_id=declaration.pk, actor=chief, officer_id=None)
        declaration.refresh_from_db()
        assert (declaration.assigned_to, declaration.assigned_at) == (None, None)
        assert AuditEvent.objects.filter(declaration=declaration, action="assign").count() == 2

    def test_the_same_officer_again_changes_nothing(self, two, trader2):
        chief = officer_of("chief", OFFICE, is_supervisor=True)
        declaration = queued(trader2)
        declaration_assign(declaration_id=declaration.pk, actor=chief, officer_id=two[0].pk)
        assert not AuditEvent.objects.filter(declaration=declaration, action="assign").exists()

    def test_an_officer_who_is_not_a_supervisor_may_not(self, two, trader2):
        lan, minh = two
        declaration = queued(trader2)
        with pytest.raises(PermissionDenied):
            declaration_assign(declaration_id=declaration.pk, actor=minh, officer_id=minh.pk)
        with pytest.raises(PermissionDenied):
            declaration_assign(declaration_id=declaration.pk, actor=lan, officer_id=None)
        declaration.refresh_from_db()
        assert declaration.assigned_to == lan
        assert not AuditEvent.objects.filter(declaration=declaration, action="assign").exists()

    def test_a_supervisor_of_another_office_may_not(self, two, trader2):
        declaration = queued(trader2)
        chief = officer_of("chief", "01B1", is_supervisor=True)
        with pytest.raises(PermissionDenied):
            declaration_assign(declaration_id=declaration.pk, actor=chief, officer_id=two[1].pk)

    def test_an_officer_takes_an_unassigned_one(self, rules, trader2, settings):
        settings.REVIEW_ASSIGNMENT = "none"
        lan, minh = officer_of("lan", OFFICE), officer_of("minh", OFFICE)
        declaration = queued(trader2)
        declaration_assign(declaration_id=declaration.pk, actor=lan, officer_id=lan.pk)
        declaration.refresh_from_db()
        assert declaration.assigned_to == lan
        with pytest.raises(PermissionDenied):  # taken now: only a supervisor moves it
            declaration_assign(declaration_id=declaration.pk, actor=minh, officer_id=minh.pk)

    def test_only_to_an_available_officer_of_the_office(self, two, trader2):
        chief = officer_of("chief", OFFICE, is_supervisor=True)
        away = officer_of("away", OFFICE, available=False)
        elsewhere = officer_of("elsewhere", "01B1")
        declaration = queued(trader2)
        for officer_id, message in ((away.pk, "away is not available for new work."),
                                    (elsewhere.pk, "elsewhere does not work for office 03CE."),
                                    (trader2.pk, "No customs officer has this id.")):
            with pytest.raises(DomainValidationError) as raised:
                declaration_assign(declaration_id=declaration.pk, actor=chief, officer_id=officer_id)
            assert raised.value.errors == {"officer": [message]}

    def test_only_while_customs_holds_it(self, two, trader2):
        chief = officer_of("chief", OFFICE, is_supervisor=True)
        declaration = queued(trader2)
        closed(declaration)
        with pytest.raises(DomainConflict):
            declaration_assign(declaration_id=declaration.pk, actor=chief, officer_id=two[1].pk)


class TestRebalance:
    def test_an_absent_officers_work_goes_to_the_others(self, two, trader2):
        lan, minh = two
        declarations = [queued(trader2) for _ in range(3)]
        assert [d.assigned_to for d in declarations] == [lan, minh, lan]
        lan.available = False
        lan.save(update_fields=["available"])
        assert assignments_rebalance() == {"released": 2, "assigned": 0}
        assert {d.assigned_to for d in Declaration.objects.filter(pk__in=[d.pk for d in declarations])} == {minh}
        event = AuditEvent.objects.filter(declaration=declarations[0], action="assign").get()
        assert (event.actor, event.data) == (None, {"from": lan.pk, "to": minh.pk, "released": True})
        assert assignments_rebalance() == {"released": 0, "assigned": 0}  # twice: nothing more

    def test_with_nobody_left_it_goes_back_to_the_pool_then_to_a_newcomer(self, rules, trader2):
        lan = officer_of("lan", OFFICE)
        declaration = queued(trader2)
        lan.is_active = False
        lan.save(update_fields=["is_active"])
        assert assignments_rebalance() == {"released": 1, "assigned": 0}
        declaration.refresh_from_db()
        assert declaration.assigned_to is None and declaration.status == "under_review"
        assert assignments_rebalance() == {"released": 0, "assigned": 0}
        newcomer = officer_of("newcomer", OFFICE)
        assert assignments_rebalance() == {"released": 0, "assigned": 1}
        declaration.refresh_from_db()
        assert declaration.assigned_to == newcomer

    def test_an_officer_moved_to_another_office(self, two, trader2):
        lan, minh = two
        declaration = queued(trader2)
        lan.offices.set([CustomsOffice.objects.get(pk="01B1")])
        assignments_rebalance()
        declaration.refresh_from_db()
        assert declaration.assigned_to == minh

    def test_closed_work_keeps_its_officer(self, two, trader2):
        declaration = queued(trader2)
        closed(declaration)
        two[0].available = False
        two[0].save(update_fields=["available"])
        assert assignments_rebalance() == {"released": 0, "assigned": 0}
        declaration.refresh_from_db()
        assert declaration.assigned_to == two[0]

    def test_the_beat_task(self, two, trader2):
        from declarations.tasks import assignments_rebalance_task

        queued(trader2)
        two[0].available = False
        two[0].save(update_fields=["available"])
        assert assignments_rebalance_task.apply().get() == {"released": 1, "assigned": 0}


class TestThroughHttp:
    def test_the_queue_api_shows_and_filters_it(self, two, trader2, api_client_for):
        lan, minh = two
        mine, theirs = queued(trader2), queued(trader2)
        client = api_client_for(lan)
        entries = client.get("/api/v1/review-queue/").json()["results"]
        assert [(e["number"], e["assigned_to"]) for e in entries] == [
            (mine.number, {"id": lan.pk, "username": "lan", "name": "lan"}),
            (theirs.number, {"id": minh.pk, "username": "minh", "name": "minh"})]
        assert [e["number"] for e in client.get("/api/v1/review-queue/", {"assigned": "me"}).json()["results"]] == [mine.number]
        assert client.get("/api/v1/review-queue/", {"assigned": "none"}).json()["results"] == []
        assert client.get("/api/v1/review-queue/", {"assigned": "them"}).status_code == 400

    def test_the_assign_api(self, two, trader2, api_client_for):
        lan, minh = two
        chief = officer_of("chief", OFFICE, is_supervisor=True)
        declaration = queued(trader2)
        response = api_client_for(chief).post(f"/api/v1/declarations/{declaration.pk}/assign/", {"officer": minh.pk}, format="json")
        assert response.status_code == 200
        assert (response.json()["assigned_to"]["id"], response.json()["number"]) == (minh.pk, declaration.number)
        refused = api_client_for(lan).post(f"/api/v1/declarations/{declaration.pk}/assign/", {"officer": lan.pk}, format="json")
        assert refused.status_code == 403
        bad = api_client_for(chief).post(f"/api/v1/declarations/{declaration.pk}/assign/", {"officer": trader2.pk}, format="json")
        assert (bad.status_code, bad.json()) == (400, {"officer": ["No customs officer has this id."]})
        declaration.refresh_from_db()
        assert declaration.assigned_to == minh

    def test_the_pages(self, two, trader2):

        lan, minh = two
        chief = officer_of("chief", OFFICE, is_supervisor=True)
        declaration = queued(trader2)
        queue = html_of(client_for(lan).get("/declarations/review/?assigned=me"))
        assert 'data-assigned-to="%d"><strong>You</strong>' % lan.pk in queue
        review = html_of(client_for(chief).get(f"/declarations/{declaration.pk}/review/"))
        assert 'id="assignment-form"' in review and 'id="assigned-officer"><strong>lan</strong>' in review
        assert 'id="assignment-form"' not in html_of(client_for(minh).get(f"/declarations/{declaration.pk}/review/"))
        response = client_for(chief).post(f"/declarations/{declaration.pk}/assign/", {"officer": minh.pk, "reason": "Leave"})
        assert response.status_code == 302
        declaration.refresh_from_db()
        assert declaration.assigned_to == minh
        trail = html_of(client_for(chief).get(f"/declarations/{declaration.pk}/review/"))
        assert "Assigned to minh" in trail and "Assigned to lan" in trail

    def test_the_pages_in_vietnamese(self, rules, trader2, settings):

        settings.REVIEW_ASSIGNMENT = "none"
        lan = officer_of("lan", OFFICE)
        declaration = queued(trader2)
        queue = html_of(client_for(lan, "vi").get("/declarations/review/"))
        assert "Chưa phân công" in queue and "Tất cả chi cục của tôi" in queue
        review = html_of(client_for(lan, "vi").get(f"/declarations/{declaration.pk}/review/"))
        assert "Nhận xử lý" in review
