"""customs_portal.accounts.home: where the root and signing in lead each role."""
import pytest
from django.urls import reverse


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/"


@pytest.mark.parametrize(
    ("user_fixture", "lands_on"),
    [("trader1", "/declarations/"), ("officer", "/declarations/"), ("risk_admin", "/declarations/"), ("gate_user", "/gate/")],
)
def test_each_role_starts_from_its_work(client, request, user_fixture, lands_on):
    client.force_login(request.getfixturevalue(user_fixture))
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == lands_on
    assert client.get(lands_on).status_code == 200


@pytest.mark.parametrize(("user_fixture", "lands_on"), [("trader1", "/declarations/"), ("gate_user", "/gate/")])
def test_signing_in_leads_to_the_same_place(client, request, user_fixture, lands_on):
    user = request.getfixturevalue(user_fixture)
    response = client.post(reverse("login"), {"username": user.username, "password": "demo12345"}, follow=True)
    assert response.redirect_chain[-1] == (lands_on, 302)
    assert response.status_code == 200


def test_the_gate_is_refused_the_declaration_list_as_by_the_api(client, gate_user):
    client.force_login(gate_user)
    assert client.get("/declarations/").status_code == 403
