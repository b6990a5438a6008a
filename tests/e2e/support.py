"""Helpers shared by the browser tests."""


def log_in(page, username="trader1", password="demo12345", *, lands_on="**/declarations/"):
    """Signs in through the login page; the gate lands on its release page (lands_on="**/gate/")."""
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("#login-submit")
    page.wait_for_url(lands_on)


def api_token(page, live_portal, username, password="demo12345") -> str:
    response = page.request.post(f"{live_portal}/api/v1/auth/token/", data={"username": username, "password": password})
    assert response.status == 200, response.text()
    return response.json()["token"]


def api(page, live_portal, token, method, path, data=None):
    response = page.request.fetch(f"{live_portal}{path}", method=method, data=data,
                                  headers={"Authorization": f"Token {token}"})
    return response
