"""Hostile input against every operation of the OpenAPI schema (/api/schema/), as every role:
no response may be a server error or differ from what the schema documents.

The calls go to the WSGI application in this process, inside each test's savepoint of the
world (tests/api/conftest.py), on the database with the full reference data. How the fuzzer
calls and what it knows: tests/api/fuzzing.py. Sequences of calls: test_stateful.py.
"""
import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings

from tests.api.fuzzing import CHECKS, PRINTOUTS, ROLES, call_kwargs, known_objects_set, schema

pytestmark = pytest.mark.schemathesis

# Examples per operation: many for the roles that act, a few for those refused almost everywhere
# (still enough to see every refusal documented, and a 5xx before the refusal), and a few printouts
# for everyone (a PDF costs as much as a hundred other calls).
ACTING = settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
REFUSED = settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
PRINTED = settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck))


@pytest.fixture
def knowing(world, in_test_transaction):
    known_objects_set(world)
    return world


def call_on_the_world(case, world, role):
    """One call on the world as built (rolled back after), so that a failing example fails again
    when Hypothesis replays and shrinks it."""
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
