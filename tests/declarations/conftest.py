"""Fixtures of the declarations tests."""
import pytest

from risk.services.defaults import risk_defaults_seed
from tests.factories import class_caps_off, random_selection_off


@pytest.fixture
def rules(db):
    """The default rule set, without random selection nor caps per class: a new enterprise's plain goods go
    yellow (score 30), every one of them."""
    risk_defaults_seed()
    random_selection_off()
    class_caps_off()
