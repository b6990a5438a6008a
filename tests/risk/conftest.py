"""Fixtures of the risk tests."""
from datetime import timedelta

import pytest
from django.utils import timezone

from declarations.models import Declaration
from risk.services.assessment import risk_assess
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
