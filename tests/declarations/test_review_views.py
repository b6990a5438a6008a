"""The officer's review queue and review page through HTTP: permissions matrix (a denied request
changes nothing), the queue's order, filters and constant query count, the risk explanation,
decisions through the forms, and conflicts shown with who decided first."""
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from customs_portal.accounts.models import Role
from customs_portal.audit.models import AuditEvent
from declarations.models import (
    Declaration,
    DocumentRequest,
    InspectionResult,
)
from declarations.services.review import declaration_decide
from reference.models import CustomsOffice
from tests.factories import PDF, UserFactory, queued, waited
from tests.support import client_for, html_of, queue_numbers, review_url

pytestmark = pytest.mark.django_db
QUEUE_URL = reverse("declarations:review-queue")
ROLES = ["anonymous", "trader1", "trader2", "officer", "risk_admin", "gate_user"]


@pytest.fixture
def users(trader1, trader2, officer, risk_admin, gate_user):
    return {"anonymous": None, "trader1": trader1, "trader2": trader2, "officer": officer, "risk_admin": risk_admin,
            "gate_user": gate_user}


@pytest.fixture
def yellow(rules, trader2):
    declaration = queued(trader2)
    assert (declaration.status, declaration.channel) == ("under_review", "yellow")
    return declaration


def snapshot(declaration):
    fresh = Declaration.objects.get(pk=declaration.pk)
    return (fresh.status, fresh.channel, fresh.version, AuditEvent.objects.filter(declaration=declaration).count(),
            DocumentRequest.objects.filter(declaration=declaration).count())


class TestQueueAccess:
    @pytest.mark.parametrize("role, expected", [("anonymous", 302), ("trader1", 403), ("trader2", 403), ("officer", 200),
                                                ("risk_admin", 403), ("gate_user", 403)])
    def test_matrix(self, users, yellow, role, expected):
        response = client_for(users[role]).get(QUEUE_URL)
        assert response.status_code == expected
        if role == "anonymous":
            assert response["Location"].startswith(reverse("login"))
        if expected == 200:
            assert yellow.number in html_of(response)

    def test_only_officers_get_the_menu_entry(self, officer, risk_admin):
        assert 'id="nav-review-queue"' in html_of(client_for(officer).get(reverse("declarations:list")))
        assert 'id="nav-review-queue"' not in html_of(client_for(risk_admin).get(reverse("declarations:list")))


class TestQueue:
    def test_oldest_first_with_risk_rules_and_waiting_time(self, rules, trader1, trader2, officer):
        newest, oldest, middle = queued(trader2), queued(trader2), queued(trader2)
        waited(newest, 12)
        waited(oldest, 3 * 24 * 60 + 4 * 60 + 5)
        waited(middle, 2 * 60 + 15)
        green = queued(trader1)
        assert green.channel == "green"
        html = html_of(client_for(officer).get(QUEUE_URL))
        assert queue_numbers(html) == [oldest.number, middle.number, newest.number]
        assert green.number not in html
        assert "3 d 4 h" in html and "2 h 15 min" in html and "12 min" in html
        assert 'class="wait wait-overdue"' in html
        row = html[html.index(f'data-declaration-id="{middle.pk}"'):]
        row = row[:row.index("</tr>")]
        assert '<span class="rule-chip">New enterprise</span>' in row
        assert '<span class="risk-score">30</span>' in row
        assert "Công ty Cổ phần Xuất nhập khẩu Sao Mai" in row and "0318765402" in row
        assert "03CE" in row and "Hai Phong Port Area III Customs" in row
        assert 'data-status="under_review"' in row and 'data-channel="yellow"' in row
        assert re.search(r'queue-counter-value">3<', html)

    def test_filters(self, rules, trader2, officer):
        first, second = queued(trader2), queued(trader2)
        waited(first, 180)
        red = queued(trader2)
        Declaration.objects.filter(pk=red.pk).update(status="under_inspection", channel="red")
        client = client_for(officer)

        def numbers(**params):
            response = client.get(QUEUE_URL, params)
            assert response.status_code == 200
            return set(queue_numbers(html_of(response)))

        assert numbers() == {first.number, second.number, red.number}
        assert numbers(channel="red") == {red.number}
        assert numbers(channel="yellow") == {first.number, second.number}
        assert numbers(office="03CE") == {first.number, second.number, red.number}
        assert numbers(office="01B1") == set()
        assert numbers(enterprise="0318765402") == {first.number, second.number, red.number}
        assert numbers(enterprise="sao mai") == {first.number, second.number, red.number}
        assert numbers(enterprise="Minh Anh") == set()
        assert numbers(hs_chapter="61") == {first.number, second.number, red.number}
        assert numbers(hs_chapter="02") == set()
        assert numbers(min_wait_minutes=120) == {first.number}
        assert numbers(min_wait_minutes=120, channel="red") == set()

    def test_an_invalid_filter_is_explained_and_the_others_still_apply(self, yellow, officer):
        response = client_for(officer).get(QUEUE_URL, {"hs_chapter": "6x", "channel": "red"})
        html = html_of(response)
        assert response.status_code == 200
        assert "Give 2 to 8 digits." in html
        assert queue_numbers(html) == []  # the valid channel filter applied

    def test_officers_see_only_their_offices(self, yellow, rules, trader2):
        hai_phong = UserFactory(username="officer_hp", role=Role.OFFICER, offices=[CustomsOffice.objects.get(pk="03CE")])
        noi_bai = UserFactory(username="officer_nb", role=Role.OFFICER,
                              offices=[CustomsOffice.objects.exclude(pk="03CE").order_by("pk").first()])
        assert queue_numbers(html_of(client_for(hai_phong).get(QUEUE_URL))) == [yellow.number]
        assert queue_numbers(html_of(client_for(noi_bai).get(QUEUE_URL))) == []
        assert "03CE" not in html_of(client_for(noi_bai).get(QUEUE_URL)).split('id="filter-office"')[1].split("</select>")[0]

    def test_paginated_by_25_with_no_query_per_row(self, rules, trader2, officer, django_assert_max_num_queries):
        declarations = [queued(trader2) for _ in range(30)]
        for minutes, declaration in enumerate(reversed(declarations), start=1):
            waited(declaration, minutes)
        client = client_for(officer)
        client.get(QUEUE_URL)  # warm the session and the reference caches
        with django_assert_max_num_queries(7) as first_page:
            html = html_of(client.get(QUEUE_URL))
        assert queue_numbers(html) == [d.number for d in declarations[:25]]
        assert "Page 1 of 2" in html and "30 declarations waiting" in html
        with django_assert_max_num_queries(7) as second_page:
            html = html_of(client.get(QUEUE_URL, {"page": 2}))
        assert queue_numbers(html) == [d.number for d in declarations[25:]]
        assert len(first_page.captured_queries) == len(second_page.captured_queries)


class TestReviewPageAccess:
    """trader2 declared it (a new enterprise: yellow); trader1 is another enterprise."""

    @pytest.mark.parametrize("role, expected", [("anonymous", 302), ("trader1", 404), ("trader2", 403), ("officer", 200),
                                                ("risk_admin", 200), ("gate_user", 403)])
    def test_get_matrix(self, users, yellow, role, expected):
        response = client_for(users[role]).get(review_url(yellow))
        assert response.status_code == expected
        if expected == 200:
            html = html_of(response)
            assert "New enterprise" in html
            assert ('id="decision"' in html) is (role == "officer")

    @pytest.mark.parametrize("role, expected", [("anonymous", 302), ("trader1", 404), ("trader2", 403), ("officer", 302),
                                                ("risk_admin", 403), ("gate_user", 403)])
    def test_post_matrix_and_denied_changes_nothing(self, users, yellow, role, expected):
        before = snapshot(yellow)
        response = client_for(users[role]).post(review_url(yellow), {"action": "reject", "reason": "forged invoice"})
        assert response.status_code == expected
        if role == "officer":
            assert Declaration.objects.get(pk=yellow.pk).status == "rejected"
        else:
            assert snapshot(yellow) == before

    def test_unknown_declaration(self, officer):
        assert client_for(officer).get(reverse("declarations:review", args=[999999])).status_code == 404


class TestReviewPage:
    def test_shows_everything_an_officer_needs(self, yellow, officer):
        html = html_of(client_for(officer).get(review_url(yellow)))
        # the declaration, items with taxes and rates
        assert yellow.number in html
        assert "Computer keyboards" in html and "Men&#x27;s cotton T-shirts" in html
        assert 'id="review-tax-table"' in html and "10%" in html
        # the risk explanation: score, thresholds, rule and version, values that fired it, random selection
        assert 'id="risk-score">30<' in html
        assert "Yellow from 30" in html and "Red from 70" in html
        rules = html[html.index('id="fired-rules"'):html.index("</table>", html.index('id="fired-rules"'))]
        assert "New enterprise" in rules and ">v1<" in rules
        assert re.search(r'<span class="reason-text">The enterprise&#x27;s age is less than 180 days \(\d+ days old\)</span>', rules)
        assert "Not selected" in html and "draw 0." in html
        # the enterprise: compliance level, age, history
        assert 'id="enterprise-compliance">New<' in html
        assert "This is the enterprise's first declaration." in html
        # the audit trail
        trail = html[html.index('id="audit-table"'):]
        assert "Submit" in trail and "Automated assessment" in trail and "Yellow channel" in trail
        # the actions of a declaration under document review, and only those
        for action in ("release", "request_documents", "escalate", "reject", "cancel"):
            assert f'id="action-toggle-{action}"' in html
        assert 'id="action-toggle-record_inspection"' not in html
        # a colleague's decision refreshes this region live
        assert 'id="review-page"' in html and f'data-live-refresh="{yellow.pk}"' in html
        assert "js/review.js" in html

    def test_history_and_past_findings_of_the_enterprise(self, yellow, rules, trader2, officer):
        earlier = queued(trader2)
        Declaration.objects.filter(pk=earlier.pk).update(status="under_inspection", channel="red")
        declaration_decide(declaration_id=earlier.pk, officer=officer, action="record_inspection", discrepancy=True,
                           findings="120 cartons of shoes found instead of 100")
        html = html_of(client_for(officer).get(review_url(yellow)))
        assert earlier.number in html[html.index('id="enterprise-history"'):]
        findings = html[html.index('id="enterprise-findings"'):]
        assert "120 cartons of shoes found instead of 100" in findings

    def test_request_documents_then_escalate_then_inspect_then_release(self, yellow, officer):
        client = client_for(officer)
        url = review_url(yellow)

        response = client.post(url, {"action": "request_documents", "note": "Send the C/O form E"})
        assert response.status_code == 302 and response["Location"] == url
        request = DocumentRequest.objects.get(declaration=yellow)
        assert request.note == "Send the C/O form E" and request.requested_by == officer
        html = html_of(client.get(url))
        assert "Request documents recorded for declaration" in html
        assert "Send the C/O form E" in html and 'data-request-state="open"' in html

        missing = client.post(url, {"action": "escalate", "note": "  "})
        assert missing.status_code == 400
        html = html_of(missing)
        assert "Say why the goods must be inspected." in html
        assert 'class="collapse show" id="action-escalate"' in html
        assert Declaration.objects.get(pk=yellow.pk).status == "under_review"

        assert client.post(url, {"action": "escalate", "note": "Weight does not match"}).status_code == 302
        assert Declaration.objects.values_list("status", "channel").get(pk=yellow.pk) == ("under_inspection", "red")
        html = html_of(client.get(url))
        assert 'id="action-toggle-record_inspection"' in html and 'id="action-toggle-escalate"' not in html

        no_result = client.post(url, {"action": "record_inspection", "findings": "keep this text"})
        assert no_result.status_code == 400
        assert "Say whether the inspection found a discrepancy." in html_of(no_result)
        assert "keep this text</textarea>" in html_of(no_result)  # nothing typed is lost
        no_findings = client.post(url, {"action": "record_inspection", "discrepancy": "true"})
        assert "Describe the discrepancy found." in html_of(no_findings)
        assert not InspectionResult.objects.filter(declaration=yellow).exists()

        assert client.post(url, {"action": "record_inspection", "discrepancy": "false"}).status_code == 302
        result = InspectionResult.objects.get(declaration=yellow)
        assert result.discrepancy is False and result.inspected_by == officer

        assert client.post(url, {"action": "release", "note": "Documents and goods in order"}).status_code == 302
        released = Declaration.objects.get(pk=yellow.pk)
        assert released.status == ("assessed" if released.amount_due > 0 else "cleared")
        html = html_of(client.get(url))
        assert 'id="action-toggle-release"' not in html and 'id="action-toggle-reject"' not in html
        assert ('id="action-toggle-cancel"' in html) is (released.status == "assessed")  # customs may still cancel
        assert "This declaration is not waiting for review: officer1 recorded “Clear”" in html
        trail = html[html.index('id="audit-table"'):]
        for label in ("Request documents", "Escalate to physical inspection", "Record inspection", "Clear"):
            assert label in trail
        assert "“Documents and goods in order”" in trail and "No discrepancy" in trail

    def test_conflict_names_who_decided_first_and_keeps_the_text(self, yellow, officer):
        colleague = UserFactory(username="officer2", first_name="Trần", last_name="Bình", role=Role.OFFICER, all_offices=True)
        declaration_decide(declaration_id=yellow.pk, officer=colleague, action="release", note="ok")
        before = snapshot(yellow)
        response = client_for(officer).post(review_url(yellow), {"action": "reject", "reason": "Invoice looks forged"})
        assert response.status_code == 409
        html = html_of(response)
        conflict = html[html.index('id="decision-conflict"'):]
        assert "officer2 already recorded" in conflict
        assert "Invoice looks forged" in conflict
        assert snapshot(yellow) == before

    def test_officer_of_another_office_reads_but_cannot_decide(self, yellow):
        elsewhere = UserFactory(username="officer_nb", role=Role.OFFICER,
                                offices=[CustomsOffice.objects.exclude(pk="03CE").order_by("pk").first()])
        client = client_for(elsewhere)
        html = html_of(client.get(review_url(yellow)))
        assert 'id="decision"' not in html and "which you do not work for" in html
        before = snapshot(yellow)
        response = client.post(review_url(yellow), {"action": "release"})
        assert response.status_code == 409
        assert "an office you do not work for" in html_of(response)
        assert snapshot(yellow) == before

    def test_officer_cancels_with_a_reason_only(self, yellow, officer):
        client = client_for(officer)
        missing = client.post(review_url(yellow), {"action": "cancel", "reason": ""})
        assert missing.status_code == 400
        assert "A cancellation by customs needs a reason." in html_of(missing)
        assert Declaration.objects.get(pk=yellow.pk).status == "under_review"
        assert client.post(review_url(yellow), {"action": "cancel", "reason": "Lodged twice"}).status_code == 302
        event = AuditEvent.objects.filter(declaration=yellow).latest("id")
        assert (event.action, event.to_status, event.reason, event.actor) == ("cancel", "cancelled", "Lodged twice", officer)

    def test_unknown_action_changes_nothing(self, yellow, officer):
        before = snapshot(yellow)
        response = client_for(officer).post(review_url(yellow), {"action": "gate_release"})
        assert response.status_code == 302
        assert snapshot(yellow) == before

    def test_earlier_versions_are_readable(self, yellow, trader2, officer):
        from declarations.services.amendments import declaration_amend
        from declarations.services.declarations import declaration_as_data

        data = declaration_as_data(declaration=yellow)
        data["partner"] = {**data["partner"], "name": "Guangzhou Amended Trading Ltd"}
        declaration_amend(declaration=yellow, user=trader2, data=data, reason="Partner name corrected")
        declaration_decide(declaration_id=yellow.pk, officer=officer, action="accept_amendment")
        html = html_of(client_for(officer).get(review_url(yellow)))
        versions = html[html.index('id="versions-list"'):]
        assert 'data-version="1"' in versions
        assert "Partner name corrected" in versions and "Shenzhen Example Co." in versions
        assert "Computer keyboards" in versions
        assert "Version 2" in html

    def test_queries_do_not_grow_with_what_the_page_shows(self, yellow, trader2, officer, settings, tmp_path):
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from declarations.services.documents import document_upload
        settings.MEDIA_ROOT = str(tmp_path)
        client = client_for(officer)

        def add_content(n: int) -> None:
            """n answered requests, n other documents, n earlier declarations of the enterprise."""
            for index in range(n):
                declaration_decide(declaration_id=yellow.pk, officer=officer, action="request_documents", note=f"Doc {index}")
                request = DocumentRequest.objects.filter(declaration=yellow).latest("id")
                for answers in (request.pk, None):
                    document_upload(declaration_id=yellow.pk, user=trader2, kind="invoice",
                                    uploaded=SimpleUploadedFile("a.pdf", PDF), answers_request=answers)
                queued(trader2)

        def count() -> int:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(review_url(yellow)).status_code == 200
            return len(queries.captured_queries)

        add_content(1)
        client.get(review_url(yellow))
        some = count()
        add_content(3)
        assert AuditEvent.objects.filter(declaration=yellow).count() >= 15
        assert count() == some
        assert some <= 21  # 20, and the enterprise's compliance status (risk.compliance_selectors.compliance_summary)


class TestAmendmentRequest:
    """The officer sees the trader's pending amendment request, what it changes, and accepts or refuses it
    on the review page (issue 12, finding 2)."""

    @pytest.fixture
    def requested(self, yellow, trader2):
        from declarations.services.amendments import declaration_amend
        from declarations.services.declarations import declaration_as_data

        data = declaration_as_data(declaration=yellow)
        data["items"] = data["items"][:1] + [{**data["items"][1], "quantity": 2000, "line_value": None}]
        data["invoice"] = {**data["invoice"], "total": data["invoice"]["total"] + 3000}
        declaration_amend(declaration=yellow, user=trader2, data=data, reason="2,000 T-shirts shipped")
        return Declaration.objects.get(pk=yellow.pk)

    def test_the_page_shows_the_request_and_its_decisions(self, requested, officer):
        html = html_of(client_for(officer).get(review_url(requested)))
        panel = html[html.index('id="amendment-request"'):html.index('id="decision"')]
        assert 'data-amendment-status="pending"' in panel and "2,000 T-shirts shipped" in panel
        assert "Nothing changes until you decide" in panel
        assert '<tr data-change="changed" data-line="2">' in panel and "<del>1,000</del>" in panel and "<ins>2,000</ins>" in panel
        assert "Invoice total" in panel
        assert 'id="action-toggle-accept_amendment"' in html and 'id="action-toggle-refuse_amendment"' in html
        assert 'id="action-toggle-release"' not in html  # decided first
        queue = html_of(client_for(officer).get(QUEUE_URL))
        row = queue[queue.index(f'data-declaration-id="{requested.pk}"'):]
        assert "Amendment requested" in row[:row.index("</tr>")]

    def test_accept_through_the_page(self, requested, officer):
        response = client_for(officer).post(review_url(requested), {"action": "accept_amendment", "note": "Checked."})
        assert response.status_code == 302
        fresh = Declaration.objects.get(pk=requested.pk)
        assert (fresh.version, fresh.status, fresh.channel) == (2, "under_review", "yellow")
        assert fresh.items.get(line_no=2).quantity == 2000
        html = html_of(client_for(officer).get(review_url(requested)))
        assert 'data-amendment-status="accepted"' in html and 'id="action-toggle-accept_amendment"' not in html
        assert 'id="action-toggle-release"' in html
        assert 'id="risk-floor"' in html

    def test_refuse_needs_a_reason_on_the_page(self, requested, officer, trader2):
        client = client_for(officer)
        before = snapshot(requested)
        missing = client.post(review_url(requested), {"action": "refuse_amendment", "note": " "})
        assert missing.status_code == 400
        assert 'id="refuse_amendment-note-error"' in html_of(missing)
        assert snapshot(requested) == before

        assert client.post(review_url(requested), {"action": "refuse_amendment", "note": "Bill of lading says 1,000."}).status_code == 302
        assert snapshot(requested)[:3] == before[:3]
        trader_page = html_of(client_for(trader2).get(reverse("declarations:detail", args=[requested.pk])))
        panel = trader_page[trader_page.index('id="amendment-request"'):]
        assert 'data-amendment-status="refused"' in panel and "Bill of lading says 1,000." in panel
        assert "Refused by customs on" in panel


class TestPlainExplanation:
    """The officer reads why a rule fired in words, with the value found; only risk admins see the stored condition."""

    def fired(self, html: str) -> str:
        return html[html.index('id="fired-rules"'):html.index("</table>", html.index('id="fired-rules"'))]

    def test_in_english_and_in_vietnamese_without_field_names(self, yellow, officer):
        age = yellow.enterprise.age_days(timezone.localdate(yellow.registered_at))
        english = self.fired(html_of(client_for(officer).get(review_url(yellow))))
        assert (f'<span class="reason-text">The enterprise&#x27;s age is less than 180 days ({age} days old)</span>'
                in english)
        vietnamese = self.fired(html_of(client_for(officer, "vi").get(review_url(yellow))))
        assert (f'<span class="reason-text">Thời gian thành lập của doanh nghiệp dưới 180 ngày (đã thành lập {age} ngày)'
                '</span>' in vietnamese)
        for html in (english, vietnamese):
            assert "enterprise.age_days" not in html and "reason-raw" not in html and "khai báo" not in html

    def test_risk_admins_can_also_read_the_stored_condition(self, yellow, risk_admin):
        age = yellow.enterprise.age_days(timezone.localdate(yellow.registered_at))
        html = self.fired(html_of(client_for(risk_admin).get(review_url(yellow))))
        assert "The enterprise&#x27;s age is less than 180 days" in html
        raw = html[html.index('<details class="reason-raw'):html.index("</details>")]
        assert "<summary>Condition as stored</summary>" in raw
        assert '<code>enterprise.age_days</code> &lt; <span class="reason-value">180</span>' in raw
        assert f'value found <strong class="reason-actual">{age}</strong>' in raw


class TestWatchlistNearMiss:
    """The officer reads which watchlisted partner a declared name resembled, and how closely (issue 12, finding 5)."""

    def test_the_review_page_names_the_resembled_partner(self, rules, risk_admin, trader1, officer):
        from risk.services.watchlists import watchlisted_partner_add

        watchlisted_partner_add(user=risk_admin, name="Harbor Lantern Trading Ltd", country="CN")
        declaration = queued(trader1, partner={"name": "Harbor Lantern Tradimg Ltd", "address": "Shenzhen", "country": "CN"})
        assert (declaration.status, declaration.channel) == ("under_review", "yellow")
        html = html_of(client_for(officer).get(review_url(declaration)))
        assert "Partner name close to a watchlisted partner" in html
        assert ('<div class="small watchlist-match">Resembles the watchlisted partner Harbor Lantern Trading Ltd (CN): '
                '95 % similar</div>') in html
        html_vi = html_of(client_for(officer, "vi").get(review_url(declaration)))
        assert "Gần giống đối tác trong danh sách theo dõi Harbor Lantern Trading Ltd (CN): giống 95 %" in html_vi
