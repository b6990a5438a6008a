"""Hostile input against the API described by its OpenAPI schema (/api/schema/), as every role:
no response may be a server error or differ from what the schema documents (status, content
type, headers, body).

- Single calls: every operation as each role (trader, other trader, officer, risk admin, gate,
  anonymous), on the world's declarations in every state as well as on ids that do not exist.
- Sequences: calls that follow the schema's links (customs_portal/api/links.py), as each role that
  can change something: create a draft → edit, submit, cancel it; submit → amend, cancel, pay;
  list → read → decide. A cancelled draft used to answer 500; the single calls of the time, drawing
  random ids, never reached a draft.

The calls go to the WSGI application in this process, on the world of tests/customs_portal/api/conftest.py (built
once for the module), each call or sequence rolled back after it: the same choices then meet the
same answers, which Hypothesis needs to replay and shrink a failure. How the fuzzer calls and what
it knows: tests/customs_portal/api/fuzzing.py.
"""
import pytest
from django.db import transaction
from hypothesis import HealthCheck, Phase, settings
from schemathesis.specs.openapi.checks import ensure_resource_availability

from tests.customs_portal.api.fuzzing import (
    CHECKS,
    PRINTOUTS,
    ROLES,
    call_kwargs,
    known_objects_set,
    schema,
    sequences_schema,
)

pytestmark = pytest.mark.schemathesis

# Examples per operation: many for the roles that act, fewer for those refused almost everywhere
# (enough to see every refusal documented, and a 5xx before the refusal), and a few printouts for
# everyone (a PDF costs as much as a hundred other calls).
ACTING = settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck))
REFUSED = settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
PRINTED = settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck))

# Sequences per role, of up to STEPS calls. The gate and the anonymous have none: nothing they may
# call links to a next step.
SCENARIOS = {"trader": 150, "officer": 100, "risk_admin": 60, "other_trader": 40}
STEPS = 10


@pytest.fixture
def knowing(world, in_test_transaction):
    known_objects_set(world)
    return world


def call_on_the_world(case, world, role):
    with transaction.atomic():
        case.call_and_validate(checks=CHECKS, **call_kwargs(world, role))
        transaction.set_rollback(True)


@pytest.mark.parametrize("role", ["trader", "officer", "risk_admin", "gate"])
@schema.exclude(path_regex=PRINTOUTS).parametrize()
@ACTING
def test_every_operation(case, role, knowing):
    call_on_the_world(case, knowing, role)


@pytest.mark.parametrize("role", ["other_trader", "anonymous"])
@schema.exclude(path_regex=PRINTOUTS).parametrize()
@REFUSED
def test_every_operation_refused(case, role, knowing):
    call_on_the_world(case, knowing, role)


@pytest.mark.parametrize("role", ROLES)
@schema.include(path_regex=PRINTOUTS).parametrize()
@PRINTED
def test_printouts(case, role, knowing):
    call_on_the_world(case, knowing, role)


def machine_as(world, role: str):
    class CallsAsRole(sequences_schema(role).as_state_machine()):
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
def test_sequences(role, knowing):
    machine_as(knowing, role).run(settings=settings(
        max_examples=SCENARIOS[role], stateful_step_count=STEPS, deadline=None, phases=[Phase.generate],
        database=None, suppress_health_check=list(HealthCheck)))
