"""The review queue says where each declaration stands with its requests for documents (requested or
answered, since when) and how long customs held it apart from the time the trader did, in the page
and the API, with the queue's order and filters as before and no query per row."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from declarations.models import Declaration
from tests.factories import document_request, queued, waited
from tests.support import client_for, html_of, queue_numbers

pytestmark = pytest.mark.django_db
QUEUE_URL = reverse("declarations:review-queue")


def row_of(html: str, declaration) -> str:
    start = html.index(f'data-declaration-id="{declaration.pk}" data-queue-row')
    return html[start:html.index("</tr>", start)]


@pytest.fixture
def three(rules, trader2, officer):
    """Waiting 10 h each: one with an open request for documents (made 3 h ago), one whose request
    (8 h → 2 h ago) was answered, one without."""
    asked, answered, quiet = queued(trader2), queued(trader2), queued(trader2)
    for declaration, minutes in ((asked, 600), (answered, 601), (quiet, 602)):
        waited(declaration, minutes)
    document_request(asked, officer, created=timedelta(hours=3))
    document_request(answered, officer, created=timedelta(hours=8), answered=timedelta(hours=2))
    return asked, answered, quiet


def test_the_page_separates_customs_time_from_the_traders(three, officer):
    asked, answered, quiet = three
    html = html_of(client_for(officer).get(QUEUE_URL))
    assert queue_numbers(html) == [quiet.number, answered.number, asked.number]  # the longest waiting first, as before
    assert "holding-head\">With customs</th>" in html and "holding-head\">With the trader</th>" in html

    row = row_of(html, asked)
    assert 'data-documents="requested"' in row and "Documents requested" in row and "3 h 0 min ago, not yet supplied" in row
    assert 'data-customs-wait title="Channel assigned' in row and ">7 h 0 min</span>" in row
    assert '<span class="trader-wait" data-trader-wait>3 h 0 min</span>' in row
    assert 'class="wait wait-late"' in row  # 7 h with customs

    row = row_of(html, answered)
    assert 'data-documents="answered"' in row and "Documents supplied" in row and "2 h 0 min ago" in row
    assert ">4 h 1 min</span>" in row and "data-trader-wait>6 h 0 min</span>" in row
    assert 'class="wait wait-late"' in row

    row = row_of(html, quiet)
    assert 'data-documents=""' in row and ">10 h 2 min</span>" in row and "data-trader-wait>—</span>" in row


def test_in_vietnamese(three, officer):
    asked, _, _ = three
    html = html_of(client_for(officer, "vi").get(QUEUE_URL))
    row = row_of(html, asked)
    assert "Đã yêu cầu bổ sung chứng từ" in row and "chưa bổ sung" in row
    assert "Hải quan đang xử lý</th>" in html and "Chờ doanh nghiệp</th>" in html


def test_filters_still_apply(three, officer):
    asked, answered, quiet = three
    client = client_for(officer)
    assert set(queue_numbers(html_of(client.get(QUEUE_URL, {"min_wait_minutes": 601})))) == {answered.number, quiet.number}
    assert queue_numbers(html_of(client.get(QUEUE_URL, {"channel": "red"}))) == []


def test_the_review_page_says_who_holds_it(three, officer):
    asked, _, _ = three
    html = html_of(client_for(officer).get(reverse("declarations:review", args=[asked.pk])))
    header = html[html.index('id="review-header"'):html.index('id="review-header"') + 3000]
    assert 'id="review-waiting">With customs 7 h 0 min<' in header
    assert 'id="review-trader-wait">With the trader 3 h 0 min<' in header
    assert "Documents requested" in header


def test_the_api_reads_the_same(three, officer, api_client_for):
    asked, answered, quiet = three
    entries = {entry["id"]: entry for entry in api_client_for(officer).get("/api/v1/review-queue/").json()["results"]}
    assert round(entries[asked.pk]["waiting_on_trader_seconds"] / 60) == 180
    assert round(entries[asked.pk]["waiting_on_customs_seconds"] / 60) == 420
    assert entries[asked.pk]["waiting_seconds"] == (entries[asked.pk]["waiting_on_trader_seconds"]
                                                    + entries[asked.pk]["waiting_on_customs_seconds"])
    assert entries[asked.pk]["documents_requested_at"] is not None and entries[asked.pk]["documents_answered_at"] is None
    assert entries[answered.pk]["documents_requested_at"] is None and entries[answered.pk]["documents_answered_at"]
    assert entries[quiet.pk]["waiting_on_trader_seconds"] == 0


def test_no_query_per_row(rules, trader2, officer, django_assert_max_num_queries):
    declarations = [queued(trader2) for _ in range(6)]
    Declaration.objects.update(assessed_at=timezone.now() - timedelta(hours=5))
    client = client_for(officer)
    client.get(QUEUE_URL)
    with django_assert_max_num_queries(7) as few:
        client.get(QUEUE_URL)
    for declaration in declarations:
        document_request(declaration, officer, created=timedelta(hours=4), answered=timedelta(hours=3))
        document_request(declaration, officer, created=timedelta(hours=1))
    with django_assert_max_num_queries(7) as many:
        html = html_of(client.get(QUEUE_URL))
    assert len(few.captured_queries) == len(many.captured_queries)
    assert html.count('data-documents="requested"') == 6
