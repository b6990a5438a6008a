"""Fixtures of the risk tests."""
import functools
import random
from datetime import date, timedelta

import pytest
from django.db.models import Max
from django.utils import timezone

from declarations.models import Declaration
from risk.learned.kcs import party_key
from risk.learned.rows import HistoryRow
from risk.learned.training import model_train
from risk.learned_models import RiskModelVersion
from risk.services.assessment import risk_assess
from risk.services.risk_model import risk_model_activate
from tests.factories import cigarettes_body, random_selection_off, registered
from tests.payloads import plain_import_body


@pytest.fixture
def recent_declarations(trader1):
    """Three plain imports and cigarettes registered today and assessed with no rules and no random
    selection (all green), and cigarettes registered 40 days ago, outside a preview's 30 days.
    Returns (the plain imports, the recent cigarettes)."""
    random_selection_off()
    plain = [registered(trader1, plain_import_body()) for _ in range(3)]
    cigarettes = registered(trader1, cigarettes_body())
    old = registered(trader1, cigarettes_body())
    for declaration in [*plain, cigarettes, old]:
        risk_assess(declaration_id=declaration.pk)
    Declaration.objects.filter(pk=old.pk).update(registered_at=timezone.now() - timedelta(days=40))
    return plain, cigarettes


# --- A trained learned model, for the tests of the model in the clearance decision ------------
# Synthetic history in the portal's own vocabulary (the importers of tests/factories.py, the HS codes,
# countries, office and seller of tests/payloads.py), so a declaration made there has a record the model
# learned from. Trained once per seed per test session (~0.5 s: few rounds, one thread).

MODEL_TEST_PARAMETERS = {"num_iterations": 30, "num_threads": 1}
RISKY_IMPORTERS = ("0318765402", "0100000003", "0100000007")  # trader2's enterprise and two others


def _synthetic_history(*, rows: int = 800, seed: int = 3) -> list:
    rnd = random.Random(seed)
    importers = ["0109876500", "0318765402"] + [f"01000000{i:02d}" for i in range(12)]
    goods = [("847130", "CN", "MFN", 0.0), ("080510", "CN", "ACFTA", 0.0), ("240220", "ID", "MFN", 135.0),
             ("610910", "CN", "MFN", 20.0)]
    sellers = ["CN:shenzhen example co.", "CN:guangzhou trading ltd", "ID:jakarta export pt", "JP:tokyo trading k.k."]
    first = date(2026, 1, 1)
    history = []
    for n in range(rows):
        importer = rnd.choice(importers)
        hs6, origin, preference, rate = rnd.choice(goods)
        risk = 0.08 + (0.6 if importer in RISKY_IMPORTERS else 0.0) + (0.2 if hs6 == "240220" else 0.0)
        history.append(HistoryRow(
            source="portal", key=f"synthetic:{n}", declared_on=first + timedelta(days=n * 120 // rows), office="03CE",
            transport_mode="sea", importer=party_key("portal", "importer", importer),
            declarant=party_key("portal", "declarant", f"synthetic-{rnd.randint(1, 6)}"),
            seller=party_key("portal", "seller", rnd.choice(sellers)), courier="", hs6=hs6, origin_country=origin,
            departure_country=origin, tax_rate=rate, tax_type=preference, net_mass=rnd.uniform(10, 2000),
            item_price=rnd.uniform(1e6, 8e8), currency="VND", import_type="A11", fraud=rnd.random() < risk))
    return history


@functools.cache
def _trained_artifact(seed: int) -> bytes:
    return model_train(_synthetic_history(), seed=seed, parameters=MODEL_TEST_PARAMETERS).artifact.to_bytes()


@pytest.fixture
def model_version_ready(db):
    """`model_version_ready(seed=7)`: a new ready RiskModelVersion holding a model trained on the synthetic history."""

    def make(*, seed: int = 7) -> RiskModelVersion:
        number = (RiskModelVersion.objects.aggregate(n=Max("number"))["n"] or 0) + 1
        return RiskModelVersion.objects.create(number=number, seed=seed, state=RiskModelVersion.State.READY,
                                               artifact=_trained_artifact(seed), finished_at=timezone.now())

    return make


@pytest.fixture
def active_model(model_version_ready, risk_admin):
    """A trained model version, activated by the risk admin (the engine scores with it)."""
    return risk_model_activate(version_id=model_version_ready().pk, user=risk_admin)
