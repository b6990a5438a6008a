"""The gate officer's page: who may open it; scan → summary → confirm; each refusal shown with its
reason while nothing changes; a second release says plainly when and through whom the goods left;
containers that differ from the declaration's are refused by name; the summary reads nothing but
the cleared declaration scanned, and not one after another without end."""
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from customs_portal.audit.models import AuditEvent
from declarations.models import Declaration, GateRelease
from declarations.services.gate import gate_release
from declarations.services.verification import qr_payload
from tests.factories import registered
from tests.payloads import plain_import_body

pytestmark = pytest.mark.django_db
URL = "/gate/"
CONFIRM = "/gate/confirm/"


@pytest.fixture
def cleared(trader1):
    declaration = registered(trader1, plain_import_body())
    Declaration.objects.filter(pk=declaration.pk).update(status="cleared", channel="green")
    return Declaration.objects.get(pk=declaration.pk)


@pytest.fixture
def in_containers(trader1):
    """A cleared declaration that lists two containers."""
    declaration = registered(trader1, plain_import_body(container_numbers=["CSQU3054383", "MSCU1234566"]))
    Declaration.objects.filter(pk=declaration.pk).update(status="cleared", channel="green")
    return Declaration.objects.get(pk=declaration.pk)


def snapshot(declaration):
    fresh = Declaration.objects.get(pk=declaration.pk)
    return (fresh.status, fresh.released_at, GateRelease.objects.filter(declaration=declaration).count(),
            AuditEvent.objects.filter(declaration=declaration).count())


def gate_client(client, user):
    client.force_login(user)
    return client


def test_anonymous_is_sent_to_the_login_page(client):
    for url in (URL, CONFIRM):
        response = client.get(url) if url == URL else client.post(url)
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={url}"


@pytest.mark.parametrize("role", ["trader1", "officer", "risk_admin"])
def test_other_roles_are_forbidden_and_change_nothing(request, client, cleared, role):
    client.force_login(request.getfixturevalue(role))
    before = snapshot(cleared)

    assert client.get(URL).status_code == 403
    assert client.post(URL, {"scanned": cleared.number, "containers": ""}).status_code == 403
    assert client.post(CONFIRM, {"scanned": cleared.number, "containers": ""}).status_code == 403
    assert snapshot(cleared) == before


def test_gate_user_sees_the_form_and_the_nav_link(client, gate_user):
    response = gate_client(client, gate_user).get(URL)

    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="gate-release-form"' in page
    assert 'name="scanned"' in page and 'name="containers"' in page
    assert 'id="nav-gate" href="/gate/"' in page
    assert 'id="gate-releases-empty"' in page


def test_a_scan_shows_the_summary_and_records_nothing(client, gate_user, in_containers):
    before = snapshot(in_containers)
    response = gate_client(client, gate_user).post(URL, {
        "scanned": f"  {qr_payload(number=in_containers.number)}\n",
        "containers": "mscu 123456 6\r\nCSQU3054383",  # another order, spaces, lower case: the same containers
    })

    assert response.status_code == 200
    assert snapshot(in_containers) == before
    page = response.content.decode()
    assert f'id="gate-summary-number">{in_containers.number}<' in page
    assert "Công ty TNHH Thương mại Minh Anh" in page and "0109876500" in page
    assert 'id="gate-summary-packages">12<' in page
    assert 'id="gate-summary-weight">1,530.5 kg<' in page
    assert "Computer keyboards" in page and "Men&#x27;s cotton T-shirts" in page
    assert "MSCU1234566, CSQU3054383" in page and "the containers the declaration lists" in page
    assert 'action="/gate/confirm/"' in page and 'id="gate-confirm" autofocus' in page
    assert f'<input type="hidden" name="scanned" value="  {qr_payload(number=in_containers.number)}' in page
    assert '<input type="hidden" name="containers" value="MSCU1234566,CSQU3054383">' in page


def test_confirming_releases_and_the_page_shows_it(client, gate_user, in_containers):
    client = gate_client(client, gate_user)
    response = client.post(CONFIRM, {"scanned": qr_payload(number=in_containers.number),
                                     "containers": "MSCU1234566,CSQU3054383"})

    assert response.status_code == 302 and response["Location"] == URL
    fresh = Declaration.objects.get(pk=in_containers.pk)
    assert fresh.status == "released" and fresh.released_at is not None
    release = GateRelease.objects.get(declaration=in_containers)
    assert release.released_by == gate_user
    assert release.container_numbers == ["MSCU1234566", "CSQU3054383"]
    event = AuditEvent.objects.get(declaration=in_containers, action="gate_release")
    assert (event.actor, event.from_status, event.to_status) == (gate_user, "cleared", "released")

    page = client.get(URL).content.decode()
    assert 'data-result="released"' in page
    assert f'id="gate-result-number">{in_containers.number}<' in page
    assert f'<tr data-number="{in_containers.number}">' in page


def test_release_by_typed_number_without_containers(client, gate_user, cleared):
    response = gate_client(client, gate_user).post(CONFIRM, {"scanned": cleared.number, "containers": ""})

    assert response.status_code == 302
    assert GateRelease.objects.get(declaration=cleared).container_numbers == []


def test_the_result_is_not_read_from_the_address(client, gate_user, cleared):
    """Before, /gate/?released=<number> showed the enterprise of any released declaration."""
    gate_release(user=gate_user, scanned=cleared.number, container_numbers=[])
    other = Client()  # a session of the gate that released nothing
    other.force_login(gate_user)
    page = other.get(f"{URL}?released={cleared.number}").content.decode()
    assert 'id="gate-result"' not in page


@pytest.mark.parametrize("language, message, heading", [
    ("en", "The goods of declaration {number} already left the area on {when}, released at the gate by Lan Trần (gate1).",
     "These goods already left"),
    ("vi", "Hàng của tờ khai {number} đã rời khu vực lúc {when}, do Lan Trần (gate1) cho qua cổng.",
     "Hàng này đã rời đi"),
])
def test_a_second_release_says_when_and_through_whom_the_goods_left(client, gate_user, cleared, language, message,
                                                                     heading):
    gate_user.first_name, gate_user.last_name = "Lan", "Trần"
    gate_user.save()
    client = gate_client(client, gate_user)
    client.post(CONFIRM, {"scanned": cleared.number})
    released_at = Declaration.objects.get(pk=cleared.pk).released_at
    before = snapshot(cleared)

    for url in (URL, CONFIRM):  # at the scan, and if a confirmation is sent again
        response = client.post(url, {"scanned": qr_payload(number=cleared.number)}, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 409
        page = response.content.decode()
        assert 'data-result="already-released" data-code="already_released"' in page
        when = timezone.localtime(released_at).strftime("%d/%m/%Y %H:%M")
        assert message.format(number=cleared.number, when=when) in page
        assert heading in page
        assert "Refused: the goods may not leave" not in page and "Từ chối" not in page  # no contradictory header
    assert snapshot(cleared) == before


def test_containers_that_differ_are_refused_by_name(client, gate_user, in_containers):
    client = gate_client(client, gate_user)
    before = snapshot(in_containers)

    for url in (URL, CONFIRM):
        response = client.post(url, {"scanned": in_containers.number, "containers": "CSQU3054383\nTGHU7654320"})
        assert response.status_code == 409
        page = response.content.decode()
        assert 'data-result="refused" data-code="containers_mismatch"' in page
        assert (f"The containers do not match declaration {in_containers.number} (not in the declaration: TGHU7654320; "
                "declared but not entered: MSCU1234566); the goods may not leave.") in page
        assert 'id="gate-summary"' not in page
    response = client.post(URL, {"scanned": in_containers.number, "containers": ""})
    assert "declared but not entered: CSQU3054383, MSCU1234566" in response.content.decode()
    assert snapshot(in_containers) == before


def test_uncleared_declaration_is_refused_with_its_status_and_nothing_of_its_goods(client, gate_user, trader1):
    declaration = registered(trader1, plain_import_body())
    Declaration.objects.filter(pk=declaration.pk).update(status="under_review", channel="yellow")
    before = snapshot(declaration)

    response = gate_client(client, gate_user).post(URL, {"scanned": qr_payload(number=declaration.number),
                                                         "containers": "CSQU3054383"})

    assert response.status_code == 409
    page = response.content.decode()
    assert 'data-code="not_cleared"' in page
    assert (f"Declaration {declaration.number} is not cleared (status: Under document review); "
            "the goods may not leave.") in page
    assert "Computer keyboards" not in page and "Minh Anh" not in page and 'id="gate-summary"' not in page
    assert snapshot(declaration) == before
    # The officer's input stays in the form to be corrected or scanned again.
    assert "CSQU3054383</textarea>" in page


def test_tampered_verification_code_is_refused(client, gate_user, cleared):
    before = snapshot(cleared)
    forged = qr_payload(number=cleared.number)[:-4] + "0000"

    response = gate_client(client, gate_user).post(URL, {"scanned": forged})

    assert response.status_code == 409
    page = response.content.decode()
    assert 'data-code="tampered"' in page
    assert "the printout may have been altered" in page and 'id="gate-summary"' not in page
    assert snapshot(cleared) == before


def test_unknown_number_is_refused(client, gate_user):
    response = gate_client(client, gate_user).post(URL, {"scanned": "100000000999"})

    assert response.status_code == 409
    page = response.content.decode()
    assert 'data-code="unknown"' in page
    assert "No declaration has the number 100000000999." in page


def test_malformed_number_and_containers_are_shown_by_their_fields(client, gate_user, cleared):
    client = gate_client(client, gate_user)
    before = snapshot(cleared)

    response = client.post(URL, {"scanned": "12345", "containers": ""})
    assert response.status_code == 400
    assert '<div class="invalid-feedback d-block" data-error-for="scanned">A declaration number has 12 digits.</div>' \
        in response.content.decode()

    response = client.post(URL, {"scanned": cleared.number, "containers": "CSQU3054383\nABCD1234567\ncsqu3054383"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-error-for="containers">ABCD1234567 is not a valid ISO 6346 container number.</div>' in page
    assert 'data-error-for="containers">Container CSQU3054383 is listed twice.</div>' in page
    assert snapshot(cleared) == before


def test_empty_scan_is_required(client, gate_user):
    response = gate_client(client, gate_user).post(URL, {"scanned": "  ", "containers": ""})

    assert response.status_code == 400
    assert 'data-error-for="scanned">This field is required.</div>' in response.content.decode()


def test_summaries_are_limited_per_hour(client, gate_user, cleared, settings):
    """Typing number after number would read every cleared declaration: beyond the limit the page stops."""
    settings.GATE_LOOKUPS_PER_HOUR = 2
    client = gate_client(client, gate_user)
    assert client.post(URL, {"scanned": cleared.number}).status_code == 200
    assert client.post(URL, {"scanned": "100000000999"}).status_code == 409  # a miss counts too

    response = client.post(URL, {"scanned": cleared.number})

    assert response.status_code == 429
    page = response.content.decode()
    assert 'data-code="too_many_lookups"' in page and 'id="gate-summary"' not in page and "Minh Anh" not in page
    assert client.post(CONFIRM, {"scanned": cleared.number}).status_code == 302  # releasing is not a look-up


def test_latest_releases_are_twenty_newest_first_in_constant_queries(client, gate_user, trader1):
    numbers = []
    for _ in range(22):
        declaration = registered(trader1, plain_import_body())
        Declaration.objects.filter(pk=declaration.pk).update(status="cleared", channel="green")
        GateRelease.objects.create(declaration=declaration, released_by=gate_user, container_numbers=["CSQU3054383"])
        numbers.append(declaration.number)
    client = gate_client(client, gate_user)

    with CaptureQueriesContext(connection) as queries:
        page = client.get(URL).content.decode()

    shown = [number for number in reversed(numbers) if f'<tr data-number="{number}">' in page]
    assert shown == list(reversed(numbers))[:20]
    assert page.index(numbers[-1]) < page.index(numbers[-2])
    assert len(queries) <= 6, [q["sql"] for q in queries.captured_queries]
