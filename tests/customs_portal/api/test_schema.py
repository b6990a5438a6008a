"""The OpenAPI schema as a client generator reads it (/api/schema/).

Seen by an integrator: a client generated from it sent a declaration as multipart (which cannot
carry `partner` or `items`), crashed on every declaration a trader read (the only documented
answer required `risk`), and named its types after Vietnamese titles when the schema was fetched
with `Accept-Language: vi`.
"""
import json

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

JSON = "application/vnd.oai.openapi+json"


def schema_bytes(**headers) -> bytes:
    response = Client().get("/api/schema/", HTTP_ACCEPT=JSON, **headers)
    assert response.status_code == 200
    return response.content


@pytest.fixture(scope="module")
def schema(django_db_blocker) -> dict:
    with django_db_blocker.unblock():
        return json.loads(schema_bytes())


def operations(schema: dict):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


class TestOneSchemaWhateverTheLanguage:
    def test_the_same_bytes_whatever_accept_language_or_the_language_cookie_say(self):
        english = schema_bytes()
        assert schema_bytes(HTTP_ACCEPT_LANGUAGE="vi") == english
        assert schema_bytes(HTTP_ACCEPT_LANGUAGE="vi-VN,vi;q=0.9,en;q=0.5") == english
        assert schema_bytes(HTTP_ACCEPT_LANGUAGE="fr") == english
        client = Client()
        client.cookies["django_language"] = "vi"
        assert client.get("/api/schema/", HTTP_ACCEPT=JSON).content == english
        assert b"Ph\\u00e2n lu\\u1ed3ng" not in english and "Phân luồng".encode() not in english

    def test_yaml_too(self):
        english = Client().get("/api/schema/").content
        assert Client().get("/api/schema/", HTTP_ACCEPT_LANGUAGE="vi").content == english
        assert b"title: Customs Portal API" in english

    def test_descriptions_in_vietnamese_on_request_with_the_english_names(self, schema):
        localised = json.loads(Client().get("/api/schema/?lang=vi", HTTP_ACCEPT=JSON).content)
        channel = next(p for p in localised["paths"]["/api/v1/declarations/"]["get"]["parameters"] if p["name"] == "channel")
        assert channel["description"].startswith("Phân luồng")
        assert "title" not in channel["schema"]

        def without_descriptions(value):
            if isinstance(value, dict):
                return {k: without_descriptions(v) for k, v in value.items() if k != "description"}
            if isinstance(value, list):
                return [without_descriptions(v) for v in value]
            return value

        assert without_descriptions(localised) == without_descriptions(schema)


    def test_the_browsable_docs_read_the_descriptions_in_the_readers_language(self):
        def script(language):  # the schema's URL is written in a JavaScript string, "=" escaped
            content = Client(HTTP_ACCEPT_LANGUAGE=language).get("/api/docs/?script=").content.decode()
            return content.replace("\\u003D", "=")

        assert 'url: "/api/schema/?lang=vi"' in script("vi")
        assert 'url: "/api/schema/"' in script("en")


class TestBodies:
    def test_json_only_except_the_uploads(self, schema):
        media_types = {
            (method.upper(), path): sorted(operation["requestBody"]["content"])
            for path, method, operation in operations(schema) if "requestBody" in operation
        }
        uploads = [("POST", "/api/v1/declarations/{id}/documents/"), ("POST", "/api/v1/declarations/{id}/items/import/")]
        assert [media_types.pop(upload) for upload in uploads] == [["multipart/form-data"]] * 2
        assert {tuple(types) for types in media_types.values()} == {("application/json",)}
        assert ("POST", "/api/v1/declarations/") in media_types

    def test_a_form_body_is_refused_with_415(self, trader1, api_client_for):
        response = api_client_for(trader1).post("/api/v1/declarations/", {"direction": "import"}, format="multipart")
        assert response.status_code == 415
        assert response.json()["detail"].startswith("Unsupported media type")

    def test_the_create_example_is_a_valid_declaration(self, schema, trader1, api_client_for):
        content = schema["paths"]["/api/v1/declarations/"]["post"]["requestBody"]["content"]["application/json"]
        example = next(iter(content["examples"].values()))["value"]
        assert api_client_for(trader1).post("/api/v1/declarations/", example, format="json").status_code == 201


class TestEveryAudienceReadsTheSameDeclaration:
    """Traders never get `risk`; customs staff do. One `Declaration` describes both: `risk` is optional."""

    def test_risk_is_optional_and_nullable(self, schema):
        declaration = schema["components"]["schemas"]["Declaration"]
        assert "risk" in declaration["properties"] and "risk" not in declaration["required"]
        assert declaration["properties"]["risk"]["nullable"] is True
        assert declaration["properties"]["risk"]["allOf"] == [{"$ref": "#/components/schemas/RiskExplanation"}]
        assert {"id", "number", "status", "channel", "items", "taxes"} <= set(declaration["required"])
        assert "DeclarationStaff" not in schema["components"]["schemas"]

    @pytest.mark.parametrize("path, method, status", [
        ("/api/v1/declarations/", "post", "201"),
        ("/api/v1/declarations/{id}/", "get", "200"),
        ("/api/v1/declarations/{id}/", "patch", "200"),
        ("/api/v1/declarations/{id}/submit/", "post", "202"),
        ("/api/v1/declarations/{id}/amend/", "post", "202"),
        ("/api/v1/declarations/{id}/cancel/", "post", "200"),
    ])
    def test_every_declaration_answer_is_that_declaration(self, schema, path, method, status):
        content = schema["paths"][path][method]["responses"][status]["content"]["application/json"]
        assert content["schema"] == {"$ref": "#/components/schemas/Declaration"}

    def test_a_decision_answers_with_the_same_declaration(self, schema):
        result = schema["components"]["schemas"]["DecisionResult"]
        assert result["properties"]["declaration"]["allOf"] == [{"$ref": "#/components/schemas/Declaration"}]

    def test_withdrawing_a_draft_is_documented(self, schema):
        description = schema["paths"]["/api/v1/declarations/{id}/cancel/"]["post"]["description"]
        assert "A draft is withdrawn the same way: it becomes `cancelled` with `number` null" in description


class TestErrorsAndLinks:
    def test_every_operation_documents_its_errors_with_a_json_body(self, schema):
        for path, method, operation in operations(schema):
            responses = operation["responses"]
            assert {"400", "406", "429"} <= set(responses), (method, path)
            if "{" in path:
                assert "404" in responses, (method, path)
            for status, response in responses.items():
                if status.startswith("4"):
                    assert list(response["content"]) == ["application/json"], (method, path, status)

    def test_a_path_that_names_no_endpoint_is_a_json_404(self, trader1, api_client_for):
        client = api_client_for(trader1)
        response = client.get("/api/v1/declarations/not-a-number/documents/")
        assert (response.status_code, response["Content-Type"], response.json()) == (
            404, "application/json", {"detail": "Not found."})
        assert api_client_for(None).get("/api/v1/declarations/x/").status_code == 401
        assert client.get("/api/v1/declarations").status_code == 301  # still redirected to the slashed path

    def test_a_created_draft_links_to_what_can_be_done_with_it(self, schema):
        links = schema["paths"]["/api/v1/declarations/"]["post"]["responses"]["201"]["links"]
        assert links["CancelDeclaration"] == {"operationId": "v1_declarations_cancel_create",
                                              "parameters": {"id": "$response.body#/id"}}
        assert {"GetDeclaration", "EditDraft", "SubmitDraft", "AmendDeclaration", "DownloadPDF"} <= set(links)
        operation_ids = {operation["operationId"] for _, _, operation in operations(schema)}
        for _, _, operation in operations(schema):
            for response in operation["responses"].values():
                for link in response.get("links", {}).values():
                    assert link["operationId"] in operation_ids
