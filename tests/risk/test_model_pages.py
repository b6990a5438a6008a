"""The learned model's pages: the history, the training form, the versions with their activation, one
version's evaluation in plain words (in Vietnamese and English), followed while it trains."""
import re
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from customs_portal.audit.models import AuditEvent
from risk.learned_models import HistoryItem, HistoryParty, RiskModelVersion
from tests.factories import model_version_ready

pytestmark = pytest.mark.django_db


def client_for(user, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def text(html: str) -> str:
    """The page's text with tags and runs of white space collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def history_item(source: str, n: int, *, declared_on: date, fraud: bool | None) -> HistoryItem:
    importer, _ = HistoryParty.objects.get_or_create(source=source, role="importer", external_id="IMP1")
    return HistoryItem.objects.create(
        source=source, source_file="test.csv", source_line=n + 2, external_id=f"D{n}", declared_on=declared_on,
        office="10", transport_mode="sea", importer=importer, hs6="847130", tax_rate="8", net_mass="10",
        item_price="1000000", currency="KRW", fraud=fraud)


@pytest.fixture
def kcs_history(db):
    """Four imported KCS items: three checked (one found at fault), one not."""
    history_item("kcs", 1, declared_on=date(2020, 1, 2), fraud=True)
    history_item("kcs", 2, declared_on=date(2020, 3, 5), fraud=False)
    history_item("kcs", 3, declared_on=date(2020, 6, 30), fraud=False)
    history_item("kcs", 4, declared_on=date(2020, 12, 31), fraud=None)


@pytest.fixture
def versions(risk_admin):
    """Version 1 was active before version 2, which is active; version 3 is training."""
    first = model_version_ready(1, created_by=risk_admin)
    second = model_version_ready(2, created_by=risk_admin, metrics={**first.metrics, "auc": 0.9012,
                                                                     "top": {"5": {"rows": 125, "precision": 0.904, "recall": 0.2, "lift": 4.26},
                                                                             "10": {"rows": 250, "precision": 0.8, "recall": 0.37, "lift": 3.77}}})
    RiskModelVersion.objects.filter(pk=first.pk).update(activated_at=second.created_at)
    RiskModelVersion.objects.filter(pk=second.pk).update(active=True, activated_at=second.finished_at)
    training = RiskModelVersion.objects.create(number=3, state=RiskModelVersion.State.TRAINING, progress=42,
                                               progress_note="features", created_by=risk_admin)
    return first, second, training


class TestTheList:
    @pytest.mark.parametrize("language, expected", [
        ("en", ["Learned model", "Active: version 2", "97.6 %", "88.4 %", "0.873", "90.4 %", "0.901", "42 %",
                "Train a new version"]),
        ("vi", ["Mô hình học máy", "Đang dùng: phiên bản 2", "97,6 %", "88,4 %", "0,873", "90,4 %", "0,901", "42 %",
                "Huấn luyện phiên bản mới"]),
    ])
    def test_versions_with_their_figures_in_the_readers_language(self, risk_admin, versions, kcs_history, language, expected):
        html = client_for(risk_admin, language).get(reverse("risk:model")).content.decode()
        page = text(html)

        for figure in expected:
            assert figure in page, figure
        rows = re.findall(r'<tr data-version="(\d+)">', html)
        assert rows == ["3", "2", "1"]
        version_1 = html.split('<tr data-version="1">')[1].split("</tr>")[0]
        assert re.search(r'data-figure="p5">\s*' + re.escape("97,6 %" if language == "vi" else "97.6 %"), version_1)
        assert 'data-activate="1"' in version_1  # ready and not active
        version_2 = html.split('<tr data-version="2">')[1].split("</tr>")[0]
        assert f'data-active="true">{"Đang dùng" if language == "vi" else "Active"}</span>' in version_2
        assert "data-activate" not in version_2
        assert 'data-activate="3"' not in html  # still training
        assert 'id="model-rollback"' in html and 'id="model-deactivate"' in html

    def test_the_history_per_source_and_the_form(self, risk_admin, kcs_history):
        html = client_for(risk_admin).get(reverse("risk:model")).content.decode()

        kcs = html.split('<tr data-source="kcs">')[1].split("</tr>")[0]
        assert re.findall(r'data-figure="(\w+)">([^<]*)<', kcs) == [("rows", "4"), ("labelled", "3"), ("positives", "1")]
        assert "02/01/2020 – 31/12/2020" in kcs
        portal = html.split('<tr data-source="portal">')[1].split("</tr>")[0]
        assert re.findall(r'data-figure="(\w+)">([^<]*)<', portal) == [("rows", "0"), ("labelled", "0"), ("positives", "0")]
        assert '<input class="form-check-input" type="checkbox" name="sources" value="kcs" id="id_sources_0">' in html
        assert re.search(r'<input type="text" name="seed" value="7"', html)
        assert 'id="no-versions"' in html and 'id="model-rollback"' not in html

    def test_the_risk_menu_leads_here_and_here_to_the_import_of_history(self, risk_admin):
        client = client_for(risk_admin, "vi")
        html = client.get(reverse("risk:rule-list")).content.decode()
        assert f'class="nav-link" id="nav-learned-model" href="{reverse("risk:model")}">Mô hình học máy</a>' in html
        html = client.get(reverse("risk:model")).content.decode()
        assert f'href="{reverse("risk:history-import")}" class="btn btn-sm btn-outline-primary" id="import-history">' in html
        assert 'class="nav-link active" id="nav-learned-model"' in html
        html = client.get(reverse("risk:history-import")).content.decode()
        assert 'class="nav-link active" id="nav-learned-model"' in html

    @pytest.mark.parametrize("who", ["officer", "trader1"])
    def test_only_risk_admins(self, request, who):
        user = request.getfixturevalue(who)
        assert client_for(user).get(reverse("risk:model")).status_code == 403


class TestTraining:
    def test_the_form_asks_for_a_version_and_goes_to_its_page(self, risk_admin, kcs_history, django_capture_on_commit_callbacks):
        client = client_for(risk_admin)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            response = client.post(reverse("risk:model"), {"sources": ["kcs"], "seed": "11"})

        version = RiskModelVersion.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("risk:model-version", args=[1])
        assert (version.number, version.state, version.include_sources, version.seed, version.created_by) == (
            1, "pending", ["kcs"], 11, risk_admin)
        assert len(callbacks) == 1  # the training is queued once the version is committed
        event = AuditEvent.objects.get(action="risk_model_train")
        assert (event.actor, event.data) == (risk_admin, {"version": 1, "sources": ["kcs"], "seed": 11})
        page = client.get(response["Location"])
        assert "Version 1 is queued for training." in text(page.content.decode())

    @pytest.mark.parametrize("data, field", [({"seed": "-1"}, "seed"), ({"seed": "abc"}, "seed"),
                                             ({"seed": "7", "sources": ["nowhere"]}, "sources")])
    def test_a_bad_form_asks_for_nothing(self, risk_admin, kcs_history, data, field):
        response = client_for(risk_admin).post(reverse("risk:model"), data)

        assert response.status_code == 200
        assert response.context["form"].errors[field]
        assert not RiskModelVersion.objects.exists() and not AuditEvent.objects.filter(action="risk_model_train").exists()


class TestOneVersion:
    @pytest.mark.parametrize("language, sentence, figures", [
        ("en", "Of the 5 % most suspicious items of the evaluation window, 97.6 % were found at fault; "
               "random selection would find 21.2 %.",
         {"auc": "0.873", "brier": "0.103", "base-rate": "21.2 %"}),
        ("vi", "Trong 5 % mặt hàng đáng ngờ nhất của giai đoạn đánh giá, 97,6 % bị phát hiện vi phạm; "
               "chọn ngẫu nhiên thì chỉ phát hiện 21,2 %.",
         {"auc": "0,873", "brier": "0,103", "base-rate": "21,2 %"}),
    ])
    def test_the_evaluation_in_plain_words(self, risk_admin, versions, language, sentence, figures):
        html = client_for(risk_admin, language).get(reverse("risk:model-version", args=[1])).content.decode()

        assert sentence in text(html)
        for name, value in figures.items():
            assert re.search(rf'data-figure="{name}">{re.escape(value)}<', html), name
        top = {share: re.findall(r'data-figure="(\w+)">([^<]*)<', row)
               for share, row in re.findall(r'<tr data-share="(\d+)">(.*?)</tr>', html, re.S)}
        point = "," if language == "vi" else "."
        assert top == {
            "1": [("rows", "25"), ("precision", f"100{point}0 %"), ("recall", f"4{point}7 %"), ("lift", f"× 4{point}72")],
            "2": [("rows", "50"), ("precision", f"96{point}0 %"), ("recall", f"9{point}1 %"), ("lift", f"× 4{point}53")],
            "5": [("rows", "125"), ("precision", f"97{point}6 %"), ("recall", f"23{point}0 %"), ("lift", f"× 4{point}60")],
            "10": [("rows", "250"), ("precision", f"88{point}4 %"), ("recall", f"41{point}7 %"), ("lift", f"× 4{point}17")],
        }
        bins = re.findall(r'<tr data-bin="(\d)">(.*?)</tr>', html, re.S)
        assert len(bins) == 10
        assert re.findall(r'data-figure="([\w-]+)">([^<]*)<', bins[0][1]) == [
            ("rows", "1.400" if language == "vi" else "1,400"), ("mean-score", f"4{point}1 %"), ("observed", f"3{point}7 %")]
        assert "0–10 %" in bins[0][1] and "90–100 %" in bins[9][1]
        counts = dict(re.findall(r'<dd data-figure="(\w+)">([^<]*)<', html.split('id="model-row-counts"')[1].split("</dl>")[0]))
        thousands = "." if language == "vi" else ","
        assert counts == {"history": f"15{thousands}000", "labelled": f"12{thousands}500", "positives": f"2{thousands}650",
                          "training": f"10{thousands}000", "evaluation": f"2{thousands}500"}
        assert re.findall(r'<tr data-source="(\w+)">', html) == ["portal", "kcs"]
        assert "01/01/2020" in html and "14/10/2020" in html and "15/10/2020" in html and "31/12/2020" in html
        assert 'data-library="lightgbm">4.6.0<' in html and 'data-parameter="num_leaves">15<' in html
        assert "importer.count" in html and "hs4" in html
        assert ("huấn luyện trong 12,3 giây" if language == "vi" else "trained in 12.3 s") in text(html)
        assert 'id="model-activate"' in html  # ready, not active
        assert "hx-trigger" not in html

    def test_the_explanation_in_english(self, risk_admin, versions):
        html = client_for(risk_admin, "en").get(reverse("risk:model-version", args=[1])).content.decode()
        assert ("Trained on the items declared from 01/01/2020 to 14/10/2020, then tested on those declared from "
                "15/10/2020 to 31/12/2020, which it had not seen.") in text(html)

    def test_a_training_version_is_followed_every_two_seconds(self, risk_admin, versions):
        client = client_for(risk_admin, "vi")
        url = reverse("risk:model-version", args=[3])

        page = client.get(url).content.decode()
        fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()

        assert f'hx-get="{url}" hx-trigger="every 2s" hx-swap="outerHTML"' in page
        assert "<html" in page and "<html" not in fragment
        assert fragment.lstrip().startswith('<div id="model-version-status" data-state="training"')
        assert 'data-figure="progress">42 %<' in fragment and 'data-width="42"' in fragment
        assert "Đang tính các đặc trưng" in text(fragment)
        RiskModelVersion.objects.filter(number=3).update(state="failed", error="Only 12 declarations' items have a check's outcome.")
        failed = client.get(url, HTTP_HX_REQUEST="true").content.decode()
        assert "hx-trigger" not in failed  # the polling stops
        assert "Only 12 declarations&#x27; items have a check&#x27;s outcome." in failed

    def test_an_unknown_version_is_404(self, risk_admin):
        assert client_for(risk_admin).get(reverse("risk:model-version", args=[9])).status_code == 404


class TestActivation:
    def test_activate_roll_back_and_switch_off(self, risk_admin, versions):
        first, second, _ = versions
        client = client_for(risk_admin)

        response = client.post(reverse("risk:model-rollback"))
        assert response["Location"] == reverse("risk:model")
        assert list(RiskModelVersion.objects.filter(active=True).values_list("number", flat=True)) == [1]
        assert "Rolled back: version 1 is the active model again." in text(client.get(response["Location"]).content.decode())

        response = client.post(reverse("risk:model-version-activate", args=[2]),
                               {"next": reverse("risk:model-version", args=[2])})
        assert response["Location"] == reverse("risk:model-version", args=[2])
        assert list(RiskModelVersion.objects.filter(active=True).values_list("number", flat=True)) == [2]

        client.post(reverse("risk:model-deactivate"))
        assert not RiskModelVersion.objects.filter(active=True).exists()

        events = list(AuditEvent.objects.filter(action__startswith="risk_model_").values_list("action", "actor", "data"))
        assert events == [("risk_model_rollback", risk_admin.pk, {"from": 2, "to": 1}),
                          ("risk_model_activate", risk_admin.pk, {"from": 1, "to": 2}),
                          ("risk_model_deactivate", risk_admin.pk, {"from": 2, "to": None})]

    @pytest.mark.parametrize("language, message", [
        ("en", "Only a trained model can be activated; version 3 is Training."),
        ("vi", "Chỉ kích hoạt được mô hình đã huấn luyện xong; phiên bản 3 đang ở trạng thái “Đang huấn luyện”."),
    ])
    def test_a_refused_change_is_said_and_changes_nothing(self, risk_admin, versions, language, message):
        client = client_for(risk_admin, language)

        response = client.post(reverse("risk:model-version-activate", args=[3]), follow=True)

        assert message in text(response.content.decode())
        assert list(RiskModelVersion.objects.filter(active=True).values_list("number", flat=True)) == [2]
        assert not AuditEvent.objects.filter(action__startswith="risk_model_").exists()

    def test_switching_off_with_no_model_active(self, risk_admin):
        response = client_for(risk_admin).post(reverse("risk:model-deactivate"), follow=True)
        assert "No model is active." in text(response.content.decode())
        assert not AuditEvent.objects.exists()

    @pytest.mark.parametrize("who", ["officer", "trader1"])
    def test_others_change_nothing(self, request, versions, who):
        client = client_for(request.getfixturevalue(who))
        for url in (reverse("risk:model-version-activate", args=[1]), reverse("risk:model-rollback"),
                    reverse("risk:model-deactivate")):
            assert client.post(url).status_code == 403
        assert client.post(reverse("risk:model"), {"seed": "7"}).status_code == 403
        assert list(RiskModelVersion.objects.filter(active=True).values_list("number", flat=True)) == [2]
        assert RiskModelVersion.objects.count() == 3
        assert not AuditEvent.objects.filter(action__startswith="risk_model_").exists()
