"""Sequences of API calls, as every role, following the schema's links (customs_portal/api/links.py):
create a draft → edit, submit, cancel it; submit → amend, cancel, pay; list → read → decide …

Each step's body is fuzzed as the single-call tests fuzz it (tests/api/test_schemathesis.py) and
now and then is the schema's example, so sequences get past creation; each answer must be no
server error and exactly as the schema documents it. A cancelled draft used to answer 500: the
single-call tests, drawing random ids, never reached a draft.
"""
import pytest
from django.db import transaction
from hypothesis import HealthCheck, Phase, settings
from schemathesis.specs.openapi.checks import ensure_resource_availability

from tests.api.fuzzing import CHECKS, call_kwargs, known_objects_set, sequences_schema

pytestmark = pytest.mark.schemathesis

# Sequences per role. The gate and the anonymous have none: nothing they may call links to a next step
# (every operation as them: test_schemathesis.py).
SCENARIOS = {"trader": 40, "officer": 30, "risk_admin": 25, "other_trader": 10}
STEPS = 8


def machine_as(world, role: str):
    class CallsAsRole(sequences_schema(role).as_state_machine()):
        """Each sequence starts from the world as built and is rolled back after: the same choices
        then meet the same answers, which Hypothesis needs to generate, replay and shrink sequences."""

        def setup(self):
            self.savepoint = transaction.savepoint()

        def teardown(self):
            transaction.savepoint_rollback(self.savepoint)
            super().teardown()

        def get_call_kwargs(self, case):
            return call_kwargs(world, role)

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=[*CHECKS, ensure_resource_availability],
                                   transport_kwargs=kwargs or None, recorder=self.recorder)

    return CallsAsRole


@pytest.mark.parametrize("role", SCENARIOS)
def test_sequences(role, world, in_test_transaction):
    known_objects_set(world)
    machine_as(world, role).run(settings=settings(
        max_examples=SCENARIOS[role], stateful_step_count=STEPS, deadline=None, phases=[Phase.generate],
        database=None, suppress_health_check=list(HealthCheck)))
