"""A NUL character in the URL is a clear 400 everywhere, never a server error: JSON for the API,
the portal's 400 page for the pages."""
import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", [
    "/api/v1/reference/hs-codes/?q=a%00b",
    "/api/v1/reference/exchange-rates/?currency=US%00",
    "/api/v1/declarations/?number=1%00",
    "/api/v1/review-queue/?enterprise=%00",
])
def test_nul_in_the_query_is_400(officer, api_client_for, url):
    response = api_client_for(officer).get(url)
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]


@pytest.mark.parametrize(("language", "heading"), [("vi", "Yêu cầu không hợp lệ"), ("en", "Bad request")])
def test_nul_in_a_page_query_is_the_400_page_in_the_readers_language(officer, client, language, heading):
    client.force_login(officer)
    response = client.get("/declarations/?number=%00", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert f'<h1 class="h3 mb-3" id="error-title">{heading}</h1>' in response.content.decode()
