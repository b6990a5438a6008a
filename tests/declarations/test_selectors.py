"""declarations/selectors.py: who sees which declaration (each read, per role); who holds a declaration
(with_holding_times): the time the trader held the file while customs waited for documents, the time
customs held it, the state of the requests for documents; in one query whatever the number of declarations."""
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.utils import timezone

from customs_portal.audit.models import AuditEvent
from declarations.models import Declaration
from declarations.review_display import declaration_holding
from declarations.selectors import (
    LIVE_STATE_MAX,
    declaration_get,
    declaration_get_with_item_codes,
    declaration_get_with_items,
    declaration_id_visible,
    declaration_items,
    declarations_listed_for,
    declarations_listed_page_source,
    declarations_live_state,
    declarations_visible_to,
    review_queue,
    with_holding_times,
    with_open_document_requests,
)
from tests.factories import document_request, queued, registered

pytestmark = pytest.mark.django_db
HOUR = 3600


@pytest.fixture
def yellow_for_ten_hours(rules, trader2):
    declaration = queued(trader2)
    Declaration.objects.filter(pk=declaration.pk).update(assessed_at=timezone.now() - timedelta(hours=10))
    return declaration


def holding_of(declaration, now) -> dict:
    return declaration_holding(with_holding_times(Declaration.objects.filter(pk=declaration.pk), now=now).get(), now=now)


def test_no_request_for_documents_customs_holds_it_all_the_time(yellow_for_ten_hours):
    now = timezone.now()
    holding = holding_of(yellow_for_ten_hours, now)
    assert (holding["documents"], holding["trader_seconds"], holding["trader"]) == ("", 0, "")
    assert round(holding["customs_seconds"]) == 10 * HOUR and holding["customs"] == "10 h 0 min"


def test_the_trader_holds_it_while_a_request_is_open_and_overlaps_count_once(yellow_for_ten_hours, officer):
    declaration = yellow_for_ten_hours
    document_request(declaration, officer, created=timedelta(hours=12), answered=timedelta(hours=9))  # 1 h after the channel
    document_request(declaration, officer, created=timedelta(hours=8), answered=timedelta(hours=6))
    document_request(declaration, officer, created=timedelta(hours=7), answered=timedelta(hours=5))  # overlaps: 8 h → 5 h
    document_request(declaration, officer, created=timedelta(hours=1))  # still open
    now = timezone.now()
    annotated = with_holding_times(Declaration.objects.filter(pk=declaration.pk), now=now).get()
    assert round(annotated.trader_seconds) == (1 + 3 + 1) * HOUR
    assert abs((now - annotated.documents_requested_at) - timedelta(hours=1)) < timedelta(seconds=5)
    assert abs((now - annotated.documents_answered_at) - timedelta(hours=5)) < timedelta(seconds=5)

    holding = declaration_holding(annotated, now=now)
    assert (holding["trader"], holding["customs"], holding["total"]) == ("5 h 0 min", "5 h 0 min", "10 h 0 min")
    assert (holding["documents"], holding["documents_ago"]) == ("requested", "1 h 0 min")
    assert holding["customs_level"] == "late"  # 5 h with customs; 10 h in all would not say who is late


def test_once_every_request_is_answered_the_state_says_since_when(yellow_for_ten_hours, officer):
    document_request(yellow_for_ten_hours, officer, created=timedelta(hours=3), answered=timedelta(minutes=20))
    holding = holding_of(yellow_for_ten_hours, timezone.now())
    assert (holding["documents"], holding["documents_ago"]) == ("answered", "20 min")
    assert holding["trader"] == "2 h 40 min" and holding["customs"] == "7 h 20 min"


def test_awaiting_payment_the_trader_holds_it_since_customs_cleared_it(yellow_for_ten_hours, officer):
    declaration = yellow_for_ten_hours
    Declaration.objects.filter(pk=declaration.pk).update(status="assessed")
    event = AuditEvent.objects.create(declaration=declaration, actor=officer, action="release",
                                      from_status="under_review", to_status="assessed")  # audit events are append-only:
    holding = holding_of(Declaration.objects.get(pk=declaration.pk), event.created_at + timedelta(hours=26))  # read later
    assert holding["awaiting_payment_since"] == event.created_at and holding["awaiting_payment_for"] == "1 d 2 h"


def test_the_queue_reads_it_in_one_query_whatever_its_length(rules, trader2, officer, django_assert_num_queries):
    declarations = [queued(trader2) for _ in range(4)]
    Declaration.objects.update(assessed_at=timezone.now() - timedelta(hours=3))
    for declaration in declarations:
        document_request(declaration, officer, created=timedelta(hours=2), answered=timedelta(hours=1))
        document_request(declaration, officer, created=timedelta(minutes=30))
    officer.refresh_from_db()
    with django_assert_num_queries(1):
        rows = list(review_queue(officer=officer))
    assert len(rows) == 4
    for row in rows:
        assert round(row.trader_seconds / 60) == 60 + 30
        assert row.documents_requested_at is not None and row.documents_answered_at is not None


def test_open_requests_for_the_traders_list(rules, trader2, officer):
    asked, answered, untouched = queued(trader2), queued(trader2), queued(trader2)
    document_request(asked, officer, created=timedelta(hours=2))
    document_request(answered, officer, created=timedelta(hours=2), answered=timedelta(hours=1))
    found = {d.pk: d.documents_requested_at for d in with_open_document_requests(Declaration.objects.all())}
    assert found[asked.pk] is not None and found[answered.pk] is None and found[untouched.pk] is None


# --- Who sees what: every public read of declarations/selectors.py, per role -------------------------

VISIBILITY = [  # role → which of (trader1's, trader2's) declarations it sees
    ("anonymous", set()), ("trader1", {"mine"}), ("trader2", {"theirs"}), ("officer", {"mine", "theirs"}),
    ("risk_admin", {"mine", "theirs"}), ("gate_user", set()),
]


@pytest.fixture
def two_enterprises(trader1, trader2):
    return {"mine": registered(trader1), "theirs": registered(trader2)}


@pytest.fixture
def user_of(request, trader1, trader2, officer, risk_admin, gate_user):
    def user(role):
        if role == "anonymous":
            return AnonymousUser()
        return request.getfixturevalue(role)
    return user


@pytest.mark.parametrize("role, seen", VISIBILITY)
def test_visible_listed_and_paged_alike(two_enterprises, user_of, role, seen):
    user = user_of(role)
    expected = {two_enterprises[name].pk for name in seen}
    assert {pk for pk in declarations_visible_to(user=user).values_list("pk", flat=True)
            if pk in {d.pk for d in two_enterprises.values()}} == expected
    listed = [d for d in declarations_listed_for(user=user) if d.pk in {d.pk for d in two_enterprises.values()}]
    assert {d.pk for d in listed} == expected
    assert all(d.item_count == 2 for d in listed)
    page = declarations_listed_page_source(user=user)
    assert {d.pk for d in page[0:1000] if d.pk in {x.pk for x in two_enterprises.values()}} == expected


@pytest.mark.parametrize("role, seen", VISIBILITY)
def test_one_declaration_or_404(two_enterprises, user_of, role, seen):
    user = user_of(role)
    for name, declaration in two_enterprises.items():
        for get in (declaration_get, declaration_get_with_item_codes, declaration_get_with_items):
            if name in seen:
                assert get(user=user, pk=declaration.pk).number == declaration.number
                assert declaration_id_visible(user=user, pk=str(declaration.pk)) == declaration.pk
            else:
                with pytest.raises(Http404):
                    get(user=user, pk=declaration.pk)
                with pytest.raises(Http404):
                    declaration_id_visible(user=user, pk=declaration.pk)


@pytest.mark.parametrize("pk", ["x", None, 0, -1, 2**63, "1e3"])
def test_ids_that_are_no_ids_are_404_not_errors(trader1, pk):
    with pytest.raises(Http404):
        declaration_get(user=trader1, pk=pk)
    with pytest.raises(Http404):
        declaration_id_visible(user=trader1, pk=pk)


def test_items_in_line_order_knowing_their_declaration(trader1, django_assert_num_queries):
    declaration = registered(trader1)
    with django_assert_num_queries(1):
        items = declaration_items(declaration=declaration)
        assert [item.line_no for item in items] == [1, 2]
        assert [item.hs_code for item in items] == ["84713020", "08051010"]
        assert all(item.declaration is declaration for item in items)
    codes = declaration_get_with_item_codes(user=trader1, pk=declaration.pk)
    with django_assert_num_queries(0):
        assert [item.hs_code for item in codes.items.all()] == ["84713020", "08051010"]


def test_live_state_only_of_what_the_user_sees(two_enterprises, trader1, officer):
    mine, theirs = two_enterprises["mine"], two_enterprises["theirs"]
    state = declarations_live_state(user=trader1, ids=[mine.pk, theirs.pk, "junk"])
    assert [row["id"] for row in state] == [mine.pk]
    assert state[0]["status"] == "registered" and "enterprise_id" not in state[0]
    assert [row["id"] for row in declarations_live_state(user=officer, ids=[theirs.pk, mine.pk])] == sorted([mine.pk, theirs.pk])
    assert declarations_live_state(user=AnonymousUser(), ids=[mine.pk]) == []
    assert declarations_live_state(user=officer, ids=list(range(1, LIVE_STATE_MAX + 2))) == []
