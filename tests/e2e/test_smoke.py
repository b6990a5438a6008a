import pytest

pytestmark = pytest.mark.e2e


def test_login_page_has_a_username_field(page):
    response = page.goto("/accounts/login/")

    assert response is not None and response.status == 200
    assert page.locator("input[name='username']").count() == 1
    assert page.locator("input[name='password']").count() == 1


def test_static_files_are_served(page, live_portal):
    """WhiteNoise serves the collected static files with DEBUG off."""
    response = page.request.get(f"{live_portal}/static/admin/css/base.css")

    assert response.status == 200
    assert response.headers["content-type"].startswith("text/css")


def test_demo_accounts_exist_on_the_live_portal(page, live_portal):
    response = page.request.post(
        f"{live_portal}/api/v1/auth/token/", data={"username": "trader1", "password": "demo12345"}
    )

    assert response.status == 200
    token = response.json()["token"]
    listed = page.request.get(f"{live_portal}/api/v1/declarations/", headers={"Authorization": f"Token {token}"})
    assert listed.status == 200 and "results" in listed.json()
