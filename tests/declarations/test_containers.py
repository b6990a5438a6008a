"""Container numbers of a declaration (ISO 6346, optional): typed in the form or given in the API,
normalised, checked, kept through edits, amendments and versions, printed on the PDF, and compared
by the gate (through the API as through the page)."""
import pytest
from django.test import Client

from declarations.containers import MAX_CONTAINERS
from declarations.models import Declaration, GateRelease
from declarations.services.amendments import amendment_changes
from declarations.services.verification import qr_payload
from tests.factories import registered
from tests.payloads import as_form_data, plain_import_body
from tests.support import pdf_text

pytestmark = pytest.mark.django_db
DECLARATIONS = "/api/v1/declarations/"


def test_the_api_normalises_and_returns_them(trader1, api_client_for):
    response = api_client_for(trader1).post(DECLARATIONS, plain_import_body(container_numbers=[" mscu 123456 6", "CSQU3054383", ""]),
                                            format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["container_numbers"] == ["MSCU1234566", "CSQU3054383"]
    assert Declaration.objects.get(pk=response.json()["id"]).container_numbers == ["MSCU1234566", "CSQU3054383"]
    listed = api_client_for(trader1).get(DECLARATIONS).json()["results"][0]
    assert listed["container_numbers"] == ["MSCU1234566", "CSQU3054383"]


def test_they_are_optional(trader1, api_client_for):
    response = api_client_for(trader1).post(DECLARATIONS, plain_import_body(), format="json")
    assert response.status_code == 201 and response.json()["container_numbers"] == []


@pytest.mark.parametrize("numbers, errors", [
    (["ABCD1234567"], {"container_numbers": ["ABCD1234567 is not a valid ISO 6346 container number."]}),
    (["MSCU1234566", "mscu1234566"], {"container_numbers": ["Container MSCU1234566 is listed twice."]}),
    (["MSCU1234566"] * (MAX_CONTAINERS + 1), {"container_numbers": ["Ensure this field has no more than 200 elements."]}),
    (["X" * 21], {"container_numbers": {"0": ["Ensure this field has no more than 20 characters."]}}),
    ("MSCU1234566", {"container_numbers": ['Expected a list of items but got type "str".']}),
])
def test_bad_numbers_are_field_errors(trader1, api_client_for, numbers, errors):
    response = api_client_for(trader1).post(DECLARATIONS, plain_import_body(container_numbers=numbers), format="json")
    assert response.status_code == 400
    assert response.json() == errors
    assert not Declaration.objects.exists()


def test_patch_replaces_them_and_other_edits_keep_them(trader1, api_client_for):
    client = api_client_for(trader1)
    pk = client.post(DECLARATIONS, plain_import_body(container_numbers=["MSCU1234566"]), format="json").json()["id"]
    assert client.patch(f"{DECLARATIONS}{pk}/", {"packages": 13}, format="json").json()["container_numbers"] == ["MSCU1234566"]
    patched = client.patch(f"{DECLARATIONS}{pk}/", {"container_numbers": ["CSQU3054383", "TGHU7654320"]}, format="json")
    assert patched.json()["container_numbers"] == ["CSQU3054383", "TGHU7654320"]


def test_an_amendment_changes_them_as_the_next_version(trader1, api_client_for):
    declaration = registered(trader1, plain_import_body(container_numbers=["MSCU1234566"]))
    client = api_client_for(trader1)
    response = client.post(f"{DECLARATIONS}{declaration.pk}/amend/", {"container_numbers": ["CSQU3054383"],
                                                                      "reason": "Wrong container"}, format="json")
    assert response.status_code == 202, response.json()
    assert response.json()["container_numbers"] == ["CSQU3054383"]
    [kept] = client.get(f"{DECLARATIONS}{declaration.pk}/versions/").json()
    assert kept["content"]["container_numbers"] == ["MSCU1234566"]


def test_an_amendment_request_names_the_change_and_older_versions_without_them_change_nothing():
    before = {"packages": 12, "container_numbers": ["MSCU1234566"], "items": []}
    assert amendment_changes(before=before, after={**before, "container_numbers": ["CSQU3054383"]}) == [
        {"field": "container_numbers", "from": ["MSCU1234566"], "to": ["CSQU3054383"]}]
    stored_before_the_field = {"packages": 12, "items": []}
    assert amendment_changes(before=stored_before_the_field, after={**stored_before_the_field, "container_numbers": []}) == []


def test_the_form_takes_them_one_per_line_and_shows_them_back(trader1):
    client = Client()
    client.force_login(trader1)
    data = {**as_form_data(plain_import_body()), "container_numbers": "mscu 123456 6\r\nCSQU3054383, TGHU7654320"}
    response = client.post("/declarations/new/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    declaration = Declaration.objects.get()
    assert declaration.container_numbers == ["MSCU1234566", "CSQU3054383", "TGHU7654320"]
    edit = client.get(f"/declarations/{declaration.pk}/edit/").content.decode()
    assert ">MSCU1234566\nCSQU3054383\nTGHU7654320</textarea>" in edit
    detail = client.get(f"/declarations/{declaration.pk}/").content.decode()
    assert 'id="declaration-containers">MSCU1234566, CSQU3054383, TGHU7654320</dd>' in detail


def test_the_form_shows_a_bad_number_by_its_box(trader1):
    client = Client(HTTP_ACCEPT_LANGUAGE="vi")
    client.force_login(trader1)
    data = {**as_form_data(plain_import_body()), "container_numbers": "MSCU1234566\nMSCU1234567"}
    response = client.post("/declarations/new/", data)
    page = response.content.decode()
    assert response.status_code in (200, 400)
    assert 'id="id_container_numbers-error">MSCU1234567 không phải là số container hợp lệ theo ISO 6346.</div>' in page
    assert 'href="#id_container_numbers"' in page  # the error summary points at the box
    assert not Declaration.objects.exists()


def test_the_pdf_lists_them(trader1):
    from declarations.services.pdf import declaration_pdf_render

    declaration = registered(trader1, plain_import_body(container_numbers=["MSCU1234566", "CSQU3054383"]))
    _reader, text = pdf_text(declaration_pdf_render(declaration=Declaration.objects.get(pk=declaration.pk)))
    assert "Container numbers (2)" in text and "MSCU1234566, CSQU3054383" in text


class TestGateApi:
    URL = "/api/v1/gate/release/"

    @pytest.fixture
    def in_containers(self, trader1):
        declaration = registered(trader1, plain_import_body(container_numbers=["CSQU3054383", "MSCU1234566"]))
        Declaration.objects.filter(pk=declaration.pk).update(status="cleared", channel="green")
        return declaration

    def test_the_same_containers_in_any_order_and_writing_release(self, gate_user, api_client_for, in_containers):
        response = api_client_for(gate_user).post(self.URL, {
            "declaration_number": qr_payload(number=in_containers.number),
            "container_numbers": ["mscu 123456 6", "CSQU3054383"]}, format="json")
        assert response.status_code == 200, response.json()
        assert response.json()["container_numbers"] == ["MSCU1234566", "CSQU3054383"]

    def test_containers_that_differ_are_409_naming_them(self, gate_user, api_client_for, in_containers):
        response = api_client_for(gate_user).post(self.URL, {
            "declaration_number": in_containers.number, "container_numbers": ["CSQU3054383", "TGHU7654320"]}, format="json")
        assert response.status_code == 409
        assert response.json() == {
            "detail": f"The containers do not match declaration {in_containers.number} (not in the declaration: "
                      "TGHU7654320; declared but not entered: MSCU1234566); the goods may not leave.",
            "code": "containers_mismatch"}
        assert Declaration.objects.get(pk=in_containers.pk).status == "cleared"
        assert not GateRelease.objects.exists()

    def test_a_second_release_says_when_and_by_whom(self, gate_user, api_client_for, in_containers):
        client = api_client_for(gate_user)
        body = {"declaration_number": in_containers.number, "container_numbers": ["CSQU3054383", "MSCU1234566"]}
        assert client.post(self.URL, body, format="json").status_code == 200
        second = client.post(self.URL, body, format="json")
        assert second.status_code == 409 and second.json()["code"] == "already_released"
        assert second.json()["detail"].startswith(f"The goods of declaration {in_containers.number} already left the area on ")
        assert second.json()["detail"].endswith(", released at the gate by gate1.")
