"""A NUL character in the URL is a clear 400 everywhere, never a server error."""
import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", [
    "/api/v1/reference/hs-codes/?q=a%00b",
    "/api/v1/reference/exchange-rates/?currency=US%00",
    "/api/v1/declarations/?number=1%00",
    "/api/v1/review-queue/?enterprise=%00",
    "/declarations/?number=%00",
])
def test_nul_in_the_query_is_400(officer, api_client_for, url):
    response = api_client_for(officer).get(url)
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]
