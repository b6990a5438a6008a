"""The gate officer's page: who may open it, a release through the form, and each refusal
shown with its reason while nothing changes."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from declarations.models import AuditEvent, Declaration, GateRelease
from declarations.services.verification import qr_payload
from tests.payloads import plain_import_body
from tests.risk.test_assessment import registered

pytestmark = pytest.mark.django_db
URL = "/gate/"


@pytest.fixture
def cleared(trader1):
    declaration = registered(trader1, plain_import_body())
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
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/gate/"


@pytest.mark.parametrize("role", ["trader1", "officer", "risk_admin"])
def test_other_roles_are_forbidden_and_change_nothing(request, client, cleared, role):
    client.force_login(request.getfixturevalue(role))
    before = snapshot(cleared)

    assert client.get(URL).status_code == 403
    assert client.post(URL, {"scanned": cleared.number, "containers": ""}).status_code == 403
    assert snapshot(cleared) == before


def test_gate_user_sees_the_form_and_the_nav_link(client, gate_user):
    response = gate_client(client, gate_user).get(URL)

    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="gate-release-form"' in page
    assert 'name="scanned"' in page and 'name="containers"' in page
    assert 'id="nav-gate" href="/gate/"' in page
    assert 'id="gate-releases-empty"' in page


def test_release_by_scanned_qr_with_containers(client, gate_user, cleared):
    response = gate_client(client, gate_user).post(URL, {
        "scanned": f"  {qr_payload(number=cleared.number)}\n",
        "containers": "CSQU3054383\r\nMSCU1234566, TGHU 765432 0;\n\n",
    })

    assert response.status_code == 302
    assert response["Location"] == f"/gate/?released={cleared.number}"
    fresh = Declaration.objects.get(pk=cleared.pk)
    assert fresh.status == "released" and fresh.released_at is not None
    release = GateRelease.objects.get(declaration=cleared)
    assert release.released_by == gate_user
    assert release.container_numbers == ["CSQU3054383", "MSCU1234566", "TGHU7654320"]
    event = AuditEvent.objects.get(declaration=cleared, action="gate_release")
    assert (event.actor, event.from_status, event.to_status) == (gate_user, "cleared", "released")

    page = client.get(response["Location"]).content.decode()
    assert 'data-result="released"' in page
    assert f'id="gate-result-number">{cleared.number}<' in page
    assert "CSQU3054383, MSCU1234566, TGHU7654320" in page
    assert f'<tr data-number="{cleared.number}">' in page


def test_release_by_typed_number_without_containers(client, gate_user, cleared):
    response = gate_client(client, gate_user).post(URL, {"scanned": cleared.number, "containers": ""})

    assert response.status_code == 302
    assert GateRelease.objects.get(declaration=cleared).container_numbers == []


def test_second_release_is_refused_with_when_it_was_released(client, gate_user, cleared):
    client = gate_client(client, gate_user)
    client.post(URL, {"scanned": cleared.number})
    before = snapshot(cleared)

    response = client.post(URL, {"scanned": qr_payload(number=cleared.number)})

    assert response.status_code == 409
    page = response.content.decode()
    assert 'data-result="refused" data-code="already_released"' in page
    assert f"Declaration {cleared.number} was already released at" in page
    assert snapshot(cleared) == before


def test_uncleared_declaration_is_refused_with_its_status(client, gate_user, trader1):
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
    assert "the printout may have been altered" in page
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

    response = client.post(URL, {"scanned": cleared.number, "containers": "CSQU3054383\nABCD1234567"})
    assert response.status_code == 400
    assert ('data-error-for="containers">ABCD1234567 is not a valid ISO 6346 container number.</div>'
            in response.content.decode())
    assert snapshot(cleared) == before


def test_empty_scan_is_required(client, gate_user):
    response = gate_client(client, gate_user).post(URL, {"scanned": "  ", "containers": ""})

    assert response.status_code == 400
    assert 'data-error-for="scanned">This field is required.</div>' in response.content.decode()


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
