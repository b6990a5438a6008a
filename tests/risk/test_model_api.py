"""The learned model's versions through the API: list and read them (never the artifact), ask for a new
one, activate, roll back, switch off; refusals are 409 with the reason, other roles change nothing.
One test trains a real small model through the API and the Celery task."""
import random
from datetime import date, timedelta

import pytest

from customs_portal.audit.models import AuditEvent
from risk.learned_models import HistoryItem, HistoryParty, RiskModelVersion
from risk.tasks import risk_model_train_task
from tests.factories import MODEL_METRICS, MODEL_ROWS, model_version_ready

pytestmark = pytest.mark.django_db
VERSIONS = "/api/v1/risk/model/versions/"


def active_numbers() -> list[int]:
    return list(RiskModelVersion.objects.filter(active=True).values_list("number", flat=True))


def model_events() -> list[tuple]:
    return list(AuditEvent.objects.filter(action__startswith="risk_model_").values_list("action", "data"))


@pytest.fixture
def versions(risk_admin):
    """Version 1 was active before version 2, which is active; version 3 waits for a worker."""
    first = model_version_ready(1, created_by=risk_admin)
    second = model_version_ready(2, created_by=risk_admin)
    RiskModelVersion.objects.filter(pk=first.pk).update(activated_at=second.created_at - timedelta(days=1))
    RiskModelVersion.objects.filter(pk=second.pk).update(active=True, activated_at=second.created_at, activated_by=risk_admin)
    pending = RiskModelVersion.objects.create(number=3, created_by=risk_admin, include_sources=["kcs"], seed=9)
    return first, second, pending


def synthetic_history(source: str = "synthetic", *, days: int = 60, per_day: int = 10, seed: int = 16) -> int:
    """`days × per_day` checked items of an imported source: three of twelve importers are found at fault
    four times in five, the others once in ten; their prices are lower too. Returns the positives."""
    rng = random.Random(seed)
    importers = [HistoryParty.objects.create(source=source, role="importer", external_id=f"IMP{n}") for n in range(12)]
    items, positives = [], 0
    for day in range(days):
        for k in range(per_day):
            n = day * per_day + k
            importer = rng.randrange(12)
            bad = importer < 3
            fraud = rng.random() < (0.8 if bad else 0.1)
            positives += fraud
            items.append(HistoryItem(
                source=source, source_file="synthetic.csv", source_line=n + 2, external_id=f"S{n:05d}",
                declared_on=date(2021, 1, 1) + timedelta(days=day), office=str(10 + n % 3), transport_mode="sea",
                importer=importers[importer], hs6=rng.choice(["847130", "851712", "640399"]), tax_rate="8",
                net_mass=str(rng.randint(5, 500)), item_price=str(rng.randint(200, 800) * (600 if bad else 1000)),
                currency="KRW", origin_country=rng.choice(["CN", "KR", "JP"]), fraud=fraud))
    HistoryItem.objects.bulk_create(items)
    return positives


class TestReading:
    def test_the_list_newest_first_without_the_artifact(self, risk_admin, api_client_for, versions):
        RiskModelVersion.objects.filter(number=1).update(artifact=b"\x00secret model bytes")

        response = api_client_for(risk_admin).get(VERSIONS)

        assert response.status_code == 200
        body = response.json()
        assert body["count"] == 3
        assert [v["number"] for v in body["results"]] == [3, 2, 1]
        first = body["results"][2]
        assert set(first) == {"number", "state", "progress", "progress_note", "error", "sources", "seed", "created_at",
                              "created_by", "started_at", "finished_at", "active", "activated_at", "activated_by",
                              "precision_top_5", "precision_top_10", "auc"}
        assert (first["state"], first["active"], first["precision_top_5"], first["precision_top_10"], first["auc"]) == (
            "ready", False, 0.976, 0.884, 0.8731)
        assert body["results"][1]["active"] is True and body["results"][1]["activated_by"] == risk_admin.username
        assert body["results"][0] == {**body["results"][0], "state": "pending", "progress": 0, "sources": ["kcs"],
                                      "seed": 9, "precision_top_5": None, "auc": None}
        assert b"secret model bytes" not in response.content and b"artifact" not in response.content

    def test_one_version_with_its_evaluation(self, risk_admin, api_client_for, versions):
        RiskModelVersion.objects.filter(number=1).update(artifact=b"\x00secret model bytes")

        response = api_client_for(risk_admin).get(f"{VERSIONS}1/")

        assert response.status_code == 200
        body = response.json()
        assert body["metrics"] == MODEL_METRICS and body["rows"] == MODEL_ROWS
        assert (body["train_from"], body["train_to"], body["evaluation_from"], body["evaluation_to"]) == (
            "2020-01-01", "2020-10-14", "2020-10-15", "2020-12-31")
        assert body["parameters"]["seed"] == 7 and body["library_versions"]["lightgbm"] == "4.6.0"
        assert body["training_seconds"] == 12.34 and "importer.count" in body["features"]
        assert b"secret model bytes" not in response.content and "artifact" not in body

    def test_an_unknown_number_is_404(self, risk_admin, api_client_for, versions):
        client = api_client_for(risk_admin)
        assert client.get(f"{VERSIONS}99/").status_code == 404
        assert client.post(f"{VERSIONS}99/activate/").status_code == 404
        assert active_numbers() == [2] and model_events() == []


class TestTraining:
    def test_asking_for_a_version(self, risk_admin, api_client_for, django_capture_on_commit_callbacks):
        HistoryItem.objects.create(
            source="kcs", source_file="a.csv", source_line=2, external_id="K1", declared_on=date(2020, 1, 2), office="10",
            transport_mode="sea", importer=HistoryParty.objects.create(source="kcs", role="importer", external_id="I"),
            hs6="847130", tax_rate="8", net_mass="1", item_price="1", currency="KRW", fraud=True)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            response = api_client_for(risk_admin).post(VERSIONS, {"sources": ["kcs", "kcs"], "seed": 11}, format="json")

        assert response.status_code == 202, response.json()
        body = response.json()
        assert (body["number"], body["state"], body["progress"], body["sources"], body["seed"], body["created_by"]) == (
            1, "pending", 0, ["kcs"], 11, risk_admin.username)
        assert len(callbacks) == 1  # queued once committed
        assert model_events() == [("risk_model_train", {"version": 1, "sources": ["kcs"], "seed": 11})]

    def test_defaults_the_portal_alone_and_seed_7(self, risk_admin, api_client_for):
        response = api_client_for(risk_admin).post(VERSIONS, {}, format="json")
        assert response.status_code == 202
        assert (response.json()["sources"], response.json()["seed"]) == ([], 7)

    @pytest.mark.parametrize("body, field", [
        ({"sources": ["kcs"]}, "sources"),  # nothing imported from it
        ({"sources": "kcs"}, "sources"),
        ({"seed": -1}, "seed"),
        ({"seed": 2**31}, "seed"),
        ({"seed": "seven"}, "seed"),
    ])
    def test_a_bad_request_asks_for_nothing(self, risk_admin, api_client_for, body, field):
        response = api_client_for(risk_admin).post(VERSIONS, body, format="json")

        assert response.status_code == 400
        assert field in response.json()
        assert not RiskModelVersion.objects.exists() and model_events() == []

    def test_an_unknown_source_is_named(self, risk_admin, api_client_for):
        synthetic_history(days=1, per_day=1)
        response = api_client_for(risk_admin).post(VERSIONS, {"sources": ["kcs", "synthetic"]}, format="json")
        assert response.json() == {"sources": ["No history is imported from: kcs. Imported sources: synthetic."]}

    def test_a_real_model_trained_through_the_api_and_the_task(self, risk_admin, api_client_for,
                                                                django_capture_on_commit_callbacks):
        positives = synthetic_history()
        client = api_client_for(risk_admin)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            number = client.post(VERSIONS, {"sources": ["synthetic"], "seed": 3}, format="json").json()["number"]
        assert len(callbacks) == 1
        version = RiskModelVersion.objects.get(number=number)

        risk_model_train_task.apply(args=[version.pk])  # what the batch worker runs

        body = client.get(f"{VERSIONS}{number}/").json()
        assert (body["state"], body["progress"], body["error"]) == ("ready", 100, "")
        assert body["rows"]["history"] == 600 and body["rows"]["labelled"] == 600
        assert body["rows"]["positives"] == positives
        assert body["rows"]["sources"] == {"synthetic": {"rows": 600, "labelled": 600, "positives": positives}}
        assert body["rows"]["training"] + body["rows"]["evaluation"] == 600
        metrics = body["metrics"]
        assert set(metrics["top"]) == {"1", "2", "5", "10"} and len(metrics["calibration"]) == 10
        assert metrics["rows"] == body["rows"]["evaluation"]
        assert metrics["auc"] > 0.7  # the bad importers are learnable
        assert body["parameters"]["seed"] == 3 and body["evaluation_from"] > body["train_to"]
        assert RiskModelVersion.objects.get(number=number).artifact  # kept for the worker, not served

        risk_model_train_task.apply(args=[version.pk])  # a second delivery changes nothing
        assert client.get(f"{VERSIONS}{number}/").json() == body

        assert client.post(f"{VERSIONS}{number}/activate/").status_code == 200
        assert active_numbers() == [number]


class TestActivation:
    def test_activate_roll_back_and_switch_off(self, risk_admin, api_client_for, versions):
        client = api_client_for(risk_admin)

        response = client.post(f"{VERSIONS}1/activate/")
        assert response.status_code == 200
        assert (response.json()["number"], response.json()["active"], response.json()["activated_by"]) == (
            1, True, risk_admin.username)
        assert active_numbers() == [1]

        response = client.post("/api/v1/risk/model/rollback/")
        assert response.status_code == 200
        assert (response.json()["number"], response.json()["active"]) == (2, True)
        assert active_numbers() == [2]

        response = client.post("/api/v1/risk/model/deactivate/")
        assert response.status_code == 204 and response.content == b""
        assert active_numbers() == []

        assert model_events() == [("risk_model_activate", {"from": 2, "to": 1}),
                                  ("risk_model_rollback", {"from": 1, "to": 2}),
                                  ("risk_model_deactivate", {"from": 2, "to": None})]
        assert set(AuditEvent.objects.filter(action__startswith="risk_model_").values_list("actor", flat=True)) == {risk_admin.pk}

    @pytest.mark.parametrize("path, message", [
        (f"{VERSIONS}3/activate/", "Only a trained model can be activated; version 3 is Waiting."),
        ("/api/v1/risk/model/rollback/", "No version was active before version 2."),
    ])
    def test_a_refusal_is_409_with_the_reason(self, risk_admin, api_client_for, versions, path, message):
        RiskModelVersion.objects.filter(number=1).update(activated_at=None)  # version 1 was never active

        response = api_client_for(risk_admin).post(path)

        assert response.status_code == 409
        assert response.json() == {"detail": message, "code": "model_change_refused"}
        assert active_numbers() == [2] and model_events() == []

    def test_the_reason_in_vietnamese(self, risk_admin, api_client_for):
        response = api_client_for(risk_admin).post("/api/v1/risk/model/deactivate/", HTTP_ACCEPT_LANGUAGE="vi")
        assert (response.status_code, response.json()["detail"]) == (409, "Chưa có mô hình nào đang dùng.")
        response = api_client_for(risk_admin).post("/api/v1/risk/model/rollback/")
        assert (response.status_code, response.json()["detail"]) == (409, "No model is active: there is nothing to roll back.")

    @pytest.mark.parametrize("who", [None, "trader1", "trader2", "officer"])
    def test_no_one_else_reads_or_changes_anything(self, request, api_client_for, versions, who):
        user = request.getfixturevalue(who) if who else None
        if user is not None and who == "officer":
            user.is_supervisor = True
            user.save(update_fields=["is_supervisor"])
        client = api_client_for(user)
        calls = [("get", VERSIONS, None), ("get", f"{VERSIONS}1/", None), ("post", VERSIONS, {"seed": 7}),
                 ("post", f"{VERSIONS}1/activate/", None), ("post", "/api/v1/risk/model/rollback/", None),
                 ("post", "/api/v1/risk/model/deactivate/", None)]
        for method, path, body in calls:
            response = getattr(client, method)(path, body, format="json")
            assert response.status_code == (401 if user is None else 403), (method, path)
            assert b"0.976" not in response.content
        assert active_numbers() == [2]
        assert RiskModelVersion.objects.count() == 3
        assert model_events() == []
