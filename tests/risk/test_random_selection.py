"""Random selection (risk/services/assessment.py::random_draw_for): keyed with a server secret so that
nobody outside customs can tell the draw in advance, reproducible by an auditor who holds the key, and
drawn once per declaration — an amendment never draws again (issue 12, finding 4)."""
import hashlib
import hmac
from decimal import ROUND_DOWN, Decimal

import pytest
from django.utils.crypto import salted_hmac

from declarations.models import Declaration
from declarations.services.amendments import declaration_amend
from declarations.services.declarations import declaration_as_data
from risk.models import Assessment
from risk.services.assessment import (
    random_draw_for,
    random_selection_key_id,
    risk_assess,
)
from tests.factories import random_selection_off, registered
from tests.payloads import plain_import_body

pytestmark = pytest.mark.django_db


def as_draw(digest: bytes) -> Decimal:
    return (Decimal(int.from_bytes(digest[:8], "big")) / Decimal(2**64)).quantize(Decimal("0.00000001"), rounding=ROUND_DOWN)


def public_formula(declaration: Declaration) -> Decimal:
    """The draw as it was computed before: from values the trader knows."""
    return as_draw(hashlib.sha256(f"{declaration.pk}:{declaration.number}:{declaration.version}".encode()).digest())


def auditor_recomputes(declaration: Declaration, key: bytes) -> Decimal:
    """What an auditor who holds the key computes, with nothing but the standard library."""
    return as_draw(hmac.new(key, f"{declaration.pk}:{declaration.number}".encode(), hashlib.sha256).digest())


@pytest.fixture
def no_random(db):
    random_selection_off()


def test_the_draw_cannot_be_computed_from_public_values(trader1):
    declarations = [registered(trader1, plain_import_body()) for _ in range(5)]

    for declaration in declarations:
        draw = random_draw_for(declaration)
        assert Decimal("0") <= draw < Decimal("1")
        assert draw != public_formula(declaration)
        assert draw != as_draw(hashlib.sha256(f"{declaration.pk}:{declaration.number}".encode()).digest())


def test_the_draw_changes_with_the_key(trader1, settings):
    declaration = registered(trader1, plain_import_body())
    settings.RISK_SELECTION_KEY = "selection-key-one"
    one = random_draw_for(declaration)
    settings.RISK_SELECTION_KEY = "selection-key-two"
    two = random_draw_for(declaration)
    settings.RISK_SELECTION_KEY = ""  # derived from SECRET_KEY
    derived = random_draw_for(declaration)
    settings.SECRET_KEY = "another-secret-key-for-this-test"
    derived_from_another = random_draw_for(declaration)

    assert len({one, two, derived, derived_from_another}) == 4
    assert one == auditor_recomputes(declaration, b"selection-key-one")


def test_without_a_selection_key_the_key_is_derived_from_the_secret_key_for_this_purpose_alone(trader1, settings):
    declaration = registered(trader1, plain_import_body())
    settings.RISK_SELECTION_KEY = ""
    key = salted_hmac("customs_portal.risk.random_selection", "random selection key", algorithm="sha256").digest()

    assert random_draw_for(declaration) == auditor_recomputes(declaration, key)
    assert key != settings.SECRET_KEY.encode()


def test_the_draw_is_stored_and_reproducible_for_an_auditor(trader1, settings, no_random):
    settings.RISK_SELECTION_KEY = "the-auditors-copy-of-the-key"
    declaration = registered(trader1, plain_import_body())

    assessment = risk_assess(declaration_id=declaration.pk)

    assert assessment.random_draw == auditor_recomputes(declaration, b"the-auditors-copy-of-the-key")
    assert assessment.thresholds["random_draw"] == {"key": random_selection_key_id(b"the-auditors-copy-of-the-key"),
                                                    "version": 1}
    assert random_selection_key_id(b"the-auditors-copy-of-the-key") != random_selection_key_id(b"another key")


def test_drawn_once_per_declaration_not_per_amendment(trader1, settings, no_random):
    """Every later version reuses the first assessment's draw, even after the key changed."""
    settings.RISK_SELECTION_KEY = "key-in-force-at-registration"
    declaration = registered(trader1, plain_import_body())
    first = risk_assess(declaration_id=declaration.pk)
    settings.RISK_SELECTION_KEY = "a-rotated-key"

    for packages in (13, 14):
        current = Declaration.objects.get(pk=declaration.pk)
        data = declaration_as_data(declaration=current)
        data["packages"] = packages
        declaration_amend(declaration=current, user=trader1, data=data, reason="Pallets recounted.")
        risk_assess(declaration_id=declaration.pk)

    assessments = list(Assessment.objects.filter(declaration=declaration).order_by("declaration_version"))
    assert [a.declaration_version for a in assessments] == [1, 2, 3]
    assert {a.random_draw for a in assessments} == {first.random_draw}
    assert [a.thresholds["random_draw"] for a in assessments] == [
        {"key": random_selection_key_id(b"key-in-force-at-registration"), "version": 1}] * 3
    assert first.random_draw == auditor_recomputes(declaration, b"key-in-force-at-registration")


def test_an_amendment_cannot_redraw_out_of_a_random_selection(trader1, risk_admin):
    """Selected at random (draw below the red rate): amending does not give the trader another chance."""
    from risk.services.rules import risk_settings_update

    declaration = registered(trader1, plain_import_body())
    draw = random_draw_for(declaration)
    red_rate = min(draw.quantize(Decimal("0.0001"), rounding=ROUND_DOWN) + Decimal("0.0001"), Decimal("1"))  # 4 decimals
    risk_settings_update(user=risk_admin, data={"random_yellow_rate": Decimal("0"), "random_red_rate": red_rate})
    first = risk_assess(declaration_id=declaration.pk)
    assert (first.score_channel, first.channel, first.random_selection) == ("green", "red", True)

    Declaration.objects.filter(pk=declaration.pk).update(status="assessed", channel="red")  # released by an officer
    current = Declaration.objects.get(pk=declaration.pk)
    data = declaration_as_data(declaration=current)
    data["packages"] = 13
    declaration_amend(declaration=current, user=trader1, data=data)
    second = risk_assess(declaration_id=declaration.pk)

    assert (second.random_draw, second.random_selection, second.channel) == (first.random_draw, True, "red")
