"""The learned model's view of a declaration is for customs staff only (risk/model_explanation.py): the
officer's review page and the staff API show the version, the score and the factors in words; every way
a trader reads the declaration (its page, the API, the PDF, the live messages) carries none of it.

With an active model and a rule on `model.score` that fired (tests/risk/conftest.py trains the model)."""
import json
from decimal import Decimal
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from rest_framework.test import APIClient

from risk.explanation import risk_explanation
from risk.model_explanation import model_explanation, score_percent_text
from risk.selectors import assessment_latest
from risk.services.assessment import risk_assess
from risk.services.rules import risk_rule_create
from tests.factories import random_selection_off, registered
from tests.support import client_for, html_of, pdf_text, review_url, squashed

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessed(trader1, risk_admin, active_model, django_capture_on_commit_callbacks):
    """trader1's import, assessed yellow by a rule on the model's score; the live messages it published."""
    random_selection_off()
    risk_rule_create(user=risk_admin, data={
        "name": "Model above 0", "conditions": [{"field": "model.score", "op": "gte", "value": "0"}], "score": 30,
        "active": True})
    with mock.patch("declarations.live.declaration_change_publish") as publish:
        with django_capture_on_commit_callbacks(execute=True):
            declaration = registered(trader1)
        with django_capture_on_commit_callbacks(execute=True):
            assessment = risk_assess(declaration_id=declaration.pk)
    assert assessment.channel == "yellow" and assessment.model_version_id == active_model.pk
    assessment.live_messages = [call.kwargs for call in publish.call_args_list]
    return assessment


@pytest.fixture
def no_model_assessed(trader1):
    random_selection_off()
    return risk_assess(declaration_id=registered(trader1).pk)


def api_risk(user, assessment, language: str = "en"):
    client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    client.force_authenticate(user)
    response = client.get(f"/api/v1/declarations/{assessment.declaration_id}/")
    assert response.status_code == 200
    return response.json()["risk"]


def secrets_of(assessment) -> list[str]:
    """What a trader must never read: the score however written, the factors in both languages, the words."""
    score = assessment.model_score
    texts = [str(score), format(score.normalize(), "f"), "Learned model", "Mô hình học máy", "model.score",
             "Model above 0"]
    for language in ("en", "vi"):
        with translation.override(language):
            view = model_explanation(assessment_latest(declaration_id=assessment.declaration_id))
            texts += [view["score_text"], view["score_percent"], *(factor["text"] for factor in view["factors"])]
    return sorted(set(texts))


def assert_none_in(body: str, secrets: list[str]) -> None:
    for secret in secrets:
        assert secret not in body and escape(secret) not in body, secret
    assert "model" not in body.lower().replace("modal", "")


def test_the_officer_reads_the_model_on_the_review_page_in_both_languages(assessed, officer):
    assessment = assessment_latest(declaration_id=assessed.declaration_id)
    for language, heading, aid, version in (
        ("en", "Learned model", "The model's score is one input: rules decide the channel.", "model version"),
        ("vi", "Mô hình học máy", "Điểm của mô hình chỉ là một thông tin đầu vào: các quy tắc quyết định phân luồng.",
         "phiên bản mô hình"),
    ):
        response = client_for(officer, language).get(review_url(assessed.declaration))
        assert response.status_code == 200
        html = html_of(response)
        section = html[html.index('id="risk-model"'):]
        section = section[:section.index("</ul>")]
        assert heading in section and aid in section
        assert f"{version} {assessment.model_version.number}" in section
        with translation.override(language):
            view = model_explanation(assessment)
        assert f'<strong class="fs-5" id="model-score">{view["score_percent"]}</strong>' in section
        assert f"({view['score_text']})" in section
        assert view["line_no"] in (1, 2)
        for factor in view["factors"]:
            assert escape(factor["text"]) in section
            assert f'data-direction="{factor["direction"]}"' in section
        assert escape(view["factors"][0]["direction_text"]) in section
    rules = html[html.index('id="fired-rules"'):]
    assert "Điểm của mô hình học máy từ 0 trở lên (điểm của mô hình: " in rules


def test_the_score_reads_as_a_percentage_the_readers_way():
    with translation.override("vi"):
        assert score_percent_text(Decimal("0.8731")) == "87,3 %"
        assert score_percent_text(Decimal("1.0000")) == "100,0 %"
    with translation.override("en"):
        assert score_percent_text(Decimal("0.8731")) == "87.3 %"
        assert score_percent_text(Decimal("0.0004")) == "0.0 %"


def test_the_display_of_an_assessment(assessed):
    assessment = assessment_latest(declaration_id=assessed.declaration_id)
    stored = assessment.model_factors
    with translation.override("en"):
        view = model_explanation(assessment)
    assert (view["version"], view["score"], view["line_no"]) == (assessment.model_version.number, assessment.model_score,
                                                                  stored[0]["line_no"])
    assert [factor["contribution"] for factor in view["factors"]] == [factor["contribution"] for factor in stored]
    assert [factor["direction"] for factor in view["factors"]] == [
        "raises" if factor["contribution"] > 0 else "lowers" for factor in stored]
    assert {factor["direction_text"] for factor in view["factors"]} <= {"raises the score", "lowers the score"}
    for factor in view["factors"]:
        assert factor["text"][:1].isupper()
    assert risk_explanation(declaration=assessed.declaration)["model"] == view


def test_without_a_model_the_page_has_no_model_section(trader1, officer, no_model_assessed):
    html = html_of(client_for(officer).get(review_url(no_model_assessed.declaration)))
    assert 'id="risk-model"' not in html and "Learned model" not in html
    assert model_explanation(no_model_assessed) is None
    assert api_risk(officer, no_model_assessed)["model"] is None


@pytest.mark.parametrize("role", ["officer", "risk_admin"])
def test_customs_staff_get_the_model_in_the_api(request, assessed, role):
    user = request.getfixturevalue(role)
    assessment = assessment_latest(declaration_id=assessed.declaration_id)
    risk = api_risk(user, assessed)
    with translation.override("en"):
        view = model_explanation(assessment)
    assert risk["model"] == {
        "version": assessment.model_version.number, "score": str(assessment.model_score), "line_no": view["line_no"],
        "factors": [{"text": f["text"], "direction": f["direction"], "contribution": f["contribution"]} for f in view["factors"]],
    }
    with translation.override("vi"):
        in_vietnamese = model_explanation(assessment)
    assert [f["text"] for f in api_risk(user, assessed, "vi")["model"]["factors"]] == [
        f["text"] for f in in_vietnamese["factors"]]
    [fired] = risk["fired_rules"]
    assert fired["reason"][0]["text"] == f"The learned model's score is at least 0 (model's score: {assessment.model_score.normalize():f})"


def test_the_trader_reads_nothing_of_the_model(assessed, trader1, api_client_for):
    secrets = secrets_of(assessed)
    declaration = assessed.declaration
    for language in ("en", "vi"):
        page = client_for(trader1, language).get(reverse("declarations:detail", args=[declaration.pk]))
        assert page.status_code == 200 and declaration.number in html_of(page)
        assert_none_in(html_of(page), secrets)
        listing = client_for(trader1, language).get(reverse("declarations:list"))
        assert listing.status_code == 200
        assert_none_in(html_of(listing), secrets)
        review = client_for(trader1, language).get(review_url(declaration))
        assert review.status_code in (403, 404)
        assert_none_in(html_of(review), secrets)

    api = api_client_for(trader1)
    detail = api.get(f"/api/v1/declarations/{declaration.pk}/", HTTP_ACCEPT_LANGUAGE="vi")
    assert detail.status_code == 200 and detail.json()["channel"] == "yellow" and "risk" not in detail.json()
    assert_none_in(detail.content.decode(), secrets)
    listed = api.get("/api/v1/declarations/")
    assert listed.json()["results"][0]["id"] == declaration.pk
    assert_none_in(listed.content.decode(), secrets)
    for path in ("documents/", "document-requests/"):
        response = api.get(f"/api/v1/declarations/{declaration.pk}/{path}")
        assert response.status_code == 200
        assert_none_in(response.content.decode(), secrets)

    pdf = api.get(f"/api/v1/declarations/{declaration.pk}/pdf/")
    content = b"".join(pdf.streaming_content) if pdf.streaming else pdf.content
    assert pdf.status_code == 200 and content.startswith(b"%PDF-")
    _, text = pdf_text(content)
    assert declaration.number in text
    assert_none_in(squashed(text), secrets)
    browser_pdf = client_for(trader1).get(reverse("declarations:pdf", args=[declaration.pk]))
    assert browser_pdf.status_code == 200
    assert_none_in(squashed(pdf_text(browser_pdf.content)[1]), secrets)


def test_the_live_messages_carry_no_risk(assessed, trader1):
    submitted, decided = assessed.live_messages
    for message in (submitted, decided):
        assert set(message) == {"id", "enterprise_id", "number", "status", "channel", "version", "seq"}
        assert_none_in(json.dumps(message), secrets_of(assessed))
    assert (decided["status"], decided["channel"]) == ("under_review", "yellow")
    state = client_for(trader1).get(reverse("declarations:live-state"), {"id": [assessed.declaration_id]})
    assert [set(entry) for entry in state.json()["declarations"]] == [{"id", "number", "status", "channel", "version", "seq"}]
    assert_none_in(state.content.decode(), secrets_of(assessed))
