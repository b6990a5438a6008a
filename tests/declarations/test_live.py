"""Live updates converge to the stored state (declarations/live.py): every message carries the state
whole and its order (`seq`), later changes have a greater one, pages print the same order beside their
badges, and a page that (re)connects reads the stored state of what it shows (`live-state`)."""
from unittest import mock

import pytest
from django.urls import reverse

from declarations.live import live_sequence
from declarations.models import Declaration
from risk.services.assessment import risk_assess
from tests.factories import draft_of, queued, registered
from tests.support import client_for, html_of

pytestmark = pytest.mark.django_db
STATE_URL = reverse("declarations:live-state")


def messages_of(publish) -> list[dict]:
    return [call.kwargs for call in publish.call_args_list]


def test_each_change_publishes_the_whole_state_in_order(trader2, rules, django_capture_on_commit_callbacks):
    with mock.patch("declarations.live.declaration_change_publish") as publish:
        with django_capture_on_commit_callbacks(execute=True):
            declaration = registered(trader2)
        with django_capture_on_commit_callbacks(execute=True):
            risk_assess(declaration_id=declaration.pk)
    submitted, assessed = messages_of(publish)
    stored = Declaration.objects.get(pk=declaration.pk)
    assert (submitted["status"], submitted["channel"]) == ("registered", None)
    assert (assessed["status"], assessed["channel"], assessed["version"]) == ("under_review", "yellow", stored.version)
    assert submitted["seq"] < assessed["seq"] == live_sequence(stored.updated_at) == stored.live_seq


def test_the_sequence_is_exact_in_microseconds():
    from datetime import UTC, datetime

    assert live_sequence(datetime(2026, 12, 3, 10, 0, 0, 123456, tzinfo=UTC)) == 1796292000123456
    assert live_sequence(None) == 0


def test_pages_print_the_order_of_the_state_they_show(trader2, rules, officer):
    declaration = queued(trader2)
    seq = f'data-seq="{declaration.live_seq}"'
    detail = html_of(client_for(trader2).get(reverse("declarations:detail", args=[declaration.pk])))
    for marker in ('id="declaration-detail"', 'id="declaration-status"', 'id="declaration-channel"', 'id="payment-panel"'):
        tag = detail[detail.index(marker):]
        assert seq in tag[:tag.index(">")], marker
    listing = html_of(client_for(trader2).get(reverse("declarations:list")))
    assert listing.count(seq) == 2  # the status and the channel of its row
    queue = html_of(client_for(officer).get(reverse("declarations:review-queue")))
    assert queue.count(seq) == 2
    review = html_of(client_for(officer).get(reverse("declarations:review", args=[declaration.pk])))
    assert seq in review[review.index('id="review-page"'):][:300]


def test_the_state_of_what_a_page_shows(trader1, trader2, rules, officer, django_assert_max_num_queries):
    own, other = queued(trader2), queued(trader1)
    draft = draft_of(trader2)
    expected = {"id": own.pk, "number": own.number, "status": "under_review", "channel": "yellow",
                "version": 1, "seq": own.live_seq}
    client = client_for(trader2)
    client.get(STATE_URL)  # the session, once
    with django_assert_max_num_queries(3):
        response = client.get(STATE_URL, {"id": [own.pk, other.pk, draft.pk, 999999, "x", -1]})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    # another enterprise's declaration is left out as an unknown one is: its existence does not leak
    assert response.json() == {"declarations": [
        expected, {"id": draft.pk, "number": None, "status": "draft", "channel": None, "version": 1, "seq": draft.live_seq}]}
    as_officer = client_for(officer).get(STATE_URL, {"id": [own.pk, other.pk]}).json()["declarations"]
    assert [state["id"] for state in as_officer] == sorted([own.pk, other.pk])
    assert client.get(STATE_URL).json() == {"declarations": []}
