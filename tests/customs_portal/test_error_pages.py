"""The error pages (customs_portal.error_pages) with DEBUG off, as the test settings have it: 400,
403, 404, 500 and the CSRF failure in the portal's layout and the reader's language, each with a
way back; JSON under /api/, in the language asked for, DRF's own messages included.

This module is also the URLconf of its tests (`pytest.mark.urls`): the portal's URLs plus views
that fail on purpose, since nothing in the portal answers 400 or 500 on request."""
import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import BadRequest
from django.test import RequestFactory
from django.urls import path

from customs_portal.error_pages import permission_denied
from customs_portal.urls import urlpatterns as portal_urlpatterns
from tests.factories import draft_of
from tests.support import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def refuse_as_bad(request):
    raise BadRequest("not understood")


def fail(request):
    raise RuntimeError("the portal fails here on purpose")


urlpatterns = [
    path("test-errors/400/", refuse_as_bad),
    path("test-errors/500/", fail),
    path("api/test-errors/500/", fail),
    *portal_urlpatterns,
]
handler400 = "customs_portal.error_pages.bad_request"
handler403 = "customs_portal.error_pages.permission_denied"
handler404 = "customs_portal.error_pages.page_not_found"
handler500 = "customs_portal.error_pages.server_error"

HEADINGS = {
    400: {"vi": "Yêu cầu không hợp lệ", "en": "Bad request"},
    403: {"vi": "Không có quyền truy cập", "en": "Access denied"},
    404: {"vi": "Không tìm thấy trang", "en": "Page not found"},
    500: {"vi": "Đã có lỗi ở phía hệ thống", "en": "Something went wrong on our side"},
    "csrf": {"vi": "Biểu mẫu đã hết hạn", "en": "This form has expired"},
}
ERROR_LABEL = {"vi": "Lỗi {}", "en": "Error {}"}
HOME = {"vi": "Về trang chủ", "en": "Go to the home page"}
BACK = {"vi": "Quay lại trang trước", "en": "Back to the previous page"}


def assert_branded(response, status, key, language):
    html = response.content.decode()
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    assert f'<html lang="{language}">' in html
    assert 'class="portal-topbar"' in html  # the portal's layout
    assert ERROR_LABEL[language].format(status) in html
    assert f'<h1 class="h3 mb-3" id="error-title">{HEADINGS[key][language]}</h1>' in html
    for other in {"vi", "en"} - {language}:
        assert HEADINGS[key][other] not in html
    return html


def test_the_tests_run_with_debug_off():
    assert settings.DEBUG is False


@pytest.mark.parametrize("language", ["vi", "en"])
class TestPages:
    def test_404_for_an_unknown_address(self, trader1, language):
        html = assert_branded(client_for(trader1, language).get("/no-such-page/"), 404, 404, language)
        assert f'href="/" id="error-home">{HOME[language]}</a>' in html
        assert 'id="user-menu"' in html  # the signed-in header, as on every page

    def test_404_for_a_declaration_of_another_enterprise(self, trader1, trader2, language):
        draft = draft_of(trader1)
        response = client_for(trader2, language).get(f"/declarations/{draft.pk}/")
        assert_branded(response, 404, 404, language)

    def test_403_for_a_page_of_another_role_with_a_way_back(self, trader1, language):
        response = client_for(trader1, language).get("/risk/rules/", HTTP_REFERER="http://testserver/declarations/")
        html = assert_branded(response, 403, 403, language)
        assert "trader1" in html
        assert f'href="http://testserver/declarations/" id="error-back"><span aria-hidden="true">←</span> {BACK[language]}</a>' in html
        assert f'href="/" id="error-home">{HOME[language]}</a>' in html

    def test_400(self, trader1, language):
        assert_branded(client_for(trader1, language).get("/test-errors/400/"), 400, 400, language)

    def test_400_for_a_host_the_portal_does_not_serve(self, language):
        response = client_for(None, language).get("/accounts/login/", HTTP_HOST="portal.example.com",
                                                   HTTP_REFERER="http://portal.example.com/")
        html = assert_branded(response, 400, 400, language)
        assert 'id="error-back"' not in html

    def test_500_page_of_its_own(self, trader1, language):
        response = client_for(trader1, language, raise_request_exception=False).get("/test-errors/500/")
        html = assert_branded(response, 500, 500, language)
        assert f'href="/" id="error-home">{HOME[language]}</a>' in html
        assert "trader1" not in html  # rendered without the request: nothing read about the user

    def test_csrf_failure(self, trader1, language):
        client = client_for(trader1, language, enforce_csrf_checks=True)
        response = client.post("/i18n/setlang/", {"language": "en"}, HTTP_REFERER="http://testserver/declarations/")
        html = assert_branded(response, 403, "csrf", language)
        assert 'id="error-back"' in html


class TestApi:
    def test_unknown_api_address_is_json(self, trader1, api_client_for):
        response = api_client_for(trader1).get("/api/v1/no-such-endpoint/", HTTP_ACCEPT_LANGUAGE="vi")
        assert response.status_code == 404
        assert response.json() == {"detail": "Không tìm thấy."}

    def test_api_server_error_is_json(self, trader1):
        client = client_for(trader1, "en", raise_request_exception=False)
        response = client.get("/api/test-errors/500/")
        assert response.status_code == 500
        assert response.json() == {"detail": "A server error occurred. Please try again in a few minutes."}

    @pytest.mark.parametrize(("language", "detail"), [
        ("vi", "Chỉ cán bộ quản lý rủi ro mới làm được việc này."), ("en", "Only risk administrators can do this.")])
    def test_api_permission_errors_stay_drf_json_in_the_language_asked_for(self, trader1, api_client_for, language,
                                                                          detail):
        response = api_client_for(trader1).get("/api/v1/risk/rules/", HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 403
        assert response.json() == {"detail": detail}

    def test_drf_messages_are_in_vietnamese(self, trader1, api_client_for):
        anonymous = api_client_for(None).get("/api/v1/declarations/", HTTP_ACCEPT_LANGUAGE="vi")
        assert anonymous.json() == {"detail": "Chưa cung cấp thông tin xác thực."}
        client = api_client_for(trader1)
        missing = client.get("/api/v1/reference/exchange-rates/", HTTP_ACCEPT_LANGUAGE="vi")
        assert missing.json() == {"currency": ["Tham số này là bắt buộc."]}
        not_a_list = client.post("/api/v1/declarations/", {"items": "laptops"}, format="json", HTTP_ACCEPT_LANGUAGE="vi")
        assert not_a_list.status_code == 400
        assert not_a_list.json()["items"] == {"non_field_errors": ["Cần một danh sách nhưng nhận được kiểu “str”."]}


def test_403_for_a_visitor_offers_to_log_in():
    request = RequestFactory().get("/risk/rules/")
    request.user = AnonymousUser()
    request.session = {}
    html = permission_denied(request).content.decode()
    assert 'href="/accounts/login/?next=/risk/rules/" id="error-login"' in html
