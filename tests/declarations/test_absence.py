"""Officers' absence: an officer marks themself absent, a supervisor any officer of their offices
(page "Officers" and `POST /api/v1/officers/{id}/availability/`); audited; the absent officer's
open work goes at once to the others of the office or back to its pool, visible there."""
import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from rest_framework.test import APIClient

from customs_portal.accounts.models import Role
from customs_portal.audit.models import AuditEvent
from declarations.models import Declaration
from declarations.selectors import office_pool_count, officers_supervised, review_queue
from declarations.services.absence import officer_availability_set
from reference.models import CustomsOffice
from tests.factories import UserFactory, queued
from tests.support import client_for, html_of

pytestmark = pytest.mark.django_db
OFFICE = "03CE"  # the office of tests.payloads' declarations


def officer_of(username, *offices, **fields):
    return UserFactory(username=username, role=Role.OFFICER, offices=[CustomsOffice.objects.get(pk=code) for code in offices],
                       **fields)


@pytest.fixture
def office(rules):
    """Two officers of the office and its supervisor (who reviews too)."""
    return {"lan": officer_of("lan", OFFICE), "minh": officer_of("minh", OFFICE),
            "chief": officer_of("chief", OFFICE, is_supervisor=True, available=False)}


def assignees(declarations) -> list:
    return [Declaration.objects.get(pk=d.pk).assigned_to for d in declarations]


class TestService:
    def test_absent_now_the_work_goes_to_the_others_audited(self, office, trader2):
        lan, minh, chief = office["lan"], office["minh"], office["chief"]
        declarations = [queued(trader2) for _ in range(3)]
        assert assignees(declarations) == [lan, minh, lan]
        officer, moved = officer_availability_set(officer_id=lan.pk, actor=chief, available=False, reason="Annual leave")
        assert (officer.available, moved) == (False, {"released": 2, "assigned": 0})
        assert assignees(declarations) == [minh, minh, minh]
        event = AuditEvent.objects.get(action="officer_availability")
        assert (event.declaration, event.actor, event.reason, event.data) == (
            None, chief, "Annual leave", {"officer": lan.pk, "from": True, "to": False})
        assert AuditEvent.objects.filter(action="assign", data__released=True).count() == 2
        assert queued(trader2).assigned_to == minh  # and no new work for lan

    def test_with_nobody_left_the_work_waits_in_the_pool_visible_then_goes_to_who_is_back(self, office, trader2):
        lan, minh = office["lan"], office["minh"]
        officer_availability_set(officer_id=minh.pk, actor=minh, available=False)
        declaration = queued(trader2)
        assert declaration.assigned_to == lan
        assert officer_availability_set(officer_id=lan.pk, actor=lan, available=False)[1] == {"released": 1, "assigned": 0}
        declaration.refresh_from_db()
        assert (declaration.assigned_to, declaration.status) == (None, "under_review")
        assert list(review_queue(officer=lan, assigned="none")) == [declaration]  # nothing becomes invisible
        assert office_pool_count(officer=office["chief"]) == 1
        assert officer_availability_set(officer_id=minh.pk, actor=minh, available=True)[1] == {"released": 0, "assigned": 1}
        declaration.refresh_from_db()
        assert declaration.assigned_to == minh

    def test_setting_what_is_set_changes_nothing(self, office):
        officer, moved = officer_availability_set(officer_id=office["lan"].pk, actor=office["lan"], available=True)
        assert (officer.available, moved) == (True, {"released": 0, "assigned": 0})
        assert not AuditEvent.objects.filter(action="officer_availability").exists()

    def test_only_the_officer_or_a_supervisor_of_their_office(self, office):
        lan, minh = office["lan"], office["minh"]
        other_chief = officer_of("other-chief", "01B1", is_supervisor=True)
        hq_chief = UserFactory(username="hq-chief", role=Role.OFFICER, all_offices=True, is_supervisor=True)
        for actor in (minh, other_chief, UserFactory(username="risk", role=Role.RISK_ADMIN)):
            with pytest.raises(PermissionDenied):
                officer_availability_set(officer_id=lan.pk, actor=actor, available=False)
        lan.refresh_from_db()
        assert lan.available
        assert not officer_availability_set(officer_id=lan.pk, actor=hq_chief, available=False)[0].available

    def test_no_officer_with_that_id(self, office, trader2):
        with pytest.raises(type(office["lan"]).DoesNotExist):
            officer_availability_set(officer_id=trader2.pk, actor=office["chief"], available=False)


def test_the_supervisor_sees_the_officers_of_their_offices_with_open_work(office, trader2):
    officer_of("elsewhere", "01B1")
    queued(trader2), queued(trader2), queued(trader2)
    seen = {o.username: (o.open_work, o.available) for o in officers_supervised(supervisor=office["chief"])}
    assert seen == {"chief": (0, False), "lan": (2, True), "minh": (1, True)}


class TestPages:
    def test_the_officers_page_and_marking_absent(self, office, trader2):
        lan, chief = office["lan"], office["chief"]
        declaration = queued(trader2)
        client = client_for(chief)
        html = html_of(client.get(reverse("declarations:officers")))
        assert 'data-officer="lan"' in html and 'data-officer="elsewhere"' not in html
        response = client.post(reverse("declarations:officer-availability", args=[lan.pk]),
                               {"available": "0", "reason": "Sick", "next": reverse("declarations:officers")}, follow=True)
        page = html_of(response)
        assert "lan is marked absent: they get no new work." in page
        assert "Open declarations given to other officers or back to the pool: 1." in page
        assert Declaration.objects.get(pk=declaration.pk).assigned_to == office["minh"]

    def test_in_vietnamese(self, office):
        html = html_of(client_for(office["chief"], "vi").get(reverse("declarations:officers")))
        assert "Cán bộ" in html and "Vắng mặt" in html

    def test_an_officer_marks_themself_absent_from_the_queue(self, office, trader2):
        lan = office["lan"]
        client = client_for(lan)
        assert 'id="toggle-my-availability"' in html_of(client.get(reverse("declarations:review-queue")))
        response = client.post(reverse("declarations:officer-availability", args=[lan.pk]),
                               {"available": "0", "next": reverse("declarations:review-queue")}, follow=True)
        assert "You are marked absent: you get no new work." in html_of(response)
        assert 'data-available="false"' in html_of(response)

    def test_who_may_not(self, office):
        lan, minh = office["lan"], office["minh"]
        assert client_for(lan).get(reverse("declarations:officers")).status_code == 403  # not a supervisor
        response = client_for(minh).post(reverse("declarations:officer-availability", args=[lan.pk]), {"available": "0"})
        assert response.status_code == 403
        lan.refresh_from_db()
        assert lan.available


class TestApi:
    def api_as(self, user) -> APIClient:
        client = APIClient()
        client.force_authenticate(user)
        return client

    def test_a_supervisor_marks_an_officer_absent(self, office, trader2):
        lan = office["lan"]
        queued(trader2)
        response = self.api_as(office["chief"]).post(f"/api/v1/officers/{lan.pk}/availability/", {"available": False},
                                                     format="json")
        assert response.status_code == 200, response.content
        assert response.json() == {"id": lan.pk, "username": "lan", "name": "lan", "available": False,
                                   "released": 1, "assigned": 0}

    def test_refusals(self, office, trader2):
        lan = office["lan"]
        url = f"/api/v1/officers/{lan.pk}/availability/"
        assert self.api_as(office["minh"]).post(url, {"available": False}, format="json").status_code == 403
        assert self.api_as(trader2).post(url, {"available": False}, format="json").status_code == 403
        assert self.api_as(lan).post(url, {}, format="json").status_code == 400
        assert self.api_as(lan).post(f"/api/v1/officers/{trader2.pk}/availability/", {"available": False},
                                     format="json").status_code == 404
        lan.refresh_from_db()
        assert lan.available
