"""The trader's notices through the API: the enterprise's own, in the caller's language, marked read once."""
import pytest

from declarations.models import Notice
from tests.factories import draft_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def notice(trader1) -> Notice:
    draft = draft_of(trader1)
    return Notice.objects.create(enterprise=trader1.enterprise, declaration=draft, kind="draft_expired",
                                 params={"pk": draft.pk, "untouched_since": "2026-11-27T10:00:00+07:00"})


def test_list_in_the_callers_language_and_read(trader1, notice, api_client_for):
    client = api_client_for(trader1)
    body = client.get("/api/v1/notices/", HTTP_ACCEPT_LANGUAGE="vi").json()
    assert body["count"] == 1
    entry = body["results"][0]
    assert (entry["id"], entry["kind"], entry["declaration"], entry["read"]) == (notice.pk, "draft_expired", notice.declaration_id, False)
    assert entry["message"].startswith(f"Bản nháp #{notice.declaration_id} đã hết hạn")
    read = client.post(f"/api/v1/notices/{notice.pk}/read/")
    assert read.status_code == 200 and read.json()["read"] is True
    first_read = Notice.objects.get(pk=notice.pk).read_at
    client.post(f"/api/v1/notices/{notice.pk}/read/")
    assert Notice.objects.get(pk=notice.pk).read_at == first_read
    assert client.get("/api/v1/notices/?unread=true").json()["count"] == 0


def test_another_enterprise_sees_none_and_cannot_read(trader2, notice, api_client_for):
    client = api_client_for(trader2)
    assert client.get("/api/v1/notices/").json()["count"] == 0
    assert client.post(f"/api/v1/notices/{notice.pk}/read/").status_code == 404
    assert Notice.objects.get(pk=notice.pk).read_at is None


def test_customs_staff_and_anonymous_refused(officer, risk_admin, notice, api_client_for):
    for user, expected in ((officer, 403), (risk_admin, 403), (None, 401)):
        client = api_client_for(user)
        assert client.get("/api/v1/notices/").status_code == expected
        assert client.post(f"/api/v1/notices/{notice.pk}/read/").status_code == expected
    assert Notice.objects.get(pk=notice.pk).read_at is None


def test_the_list_page_marks_read(trader1, notice):
    from django.urls import reverse

    from tests.support import client_for, html_of

    client = client_for(trader1, "vi")
    page = html_of(client.get(reverse("declarations:list")))
    assert "Thông báo" in page and 'id="notices-unread"' in page and "1 chưa đọc" in page
    assert client.post(reverse("declarations:notice-read", args=[notice.pk])).status_code == 302
    assert Notice.objects.get(pk=notice.pk).read_at is not None
    assert 'id="notices-unread"' not in html_of(client.get(reverse("declarations:list")))
