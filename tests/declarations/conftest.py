"""Fixtures of the declarations tests."""
import pytest

from risk.models import RiskSettings
from risk.services.defaults import risk_defaults_seed


@pytest.fixture
def rules(db):
    """The default rule set, without random selection: a new enterprise's plain goods go yellow (score 30)."""
    risk_defaults_seed()
    RiskSettings.objects.update_or_create(pk=1, defaults={"random_yellow_rate": 0, "random_red_rate": 0})
