"""Hostile input against every operation of the OpenAPI schema (/api/schema/), as a trader,
an officer and a risk admin: no response may be a server error or break the schema it documents.

The calls go to the WSGI application in this process, inside each test's transaction, on the
database with the full reference data.
"""
import json

import pytest
import schemathesis
from django.core.serializers.json import DjangoJSONEncoder
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from customs_portal.accounts.services import api_token_issue

pytestmark = pytest.mark.schemathesis

schema = schemathesis.openapi.from_dict(
    json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True), cls=DjangoJSONEncoder))
)
schema.app = get_wsgi_application()

CHECKS = [not_a_server_error, response_schema_conformance]
HYPOTHESIS = settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))


@pytest.fixture(autouse=True)
def keep_the_test_connection(db):
    """As Django's test client does: the request signals must not close the test's connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def token_of(user) -> dict:
    return {"Authorization": f"Token {api_token_issue(user=user, second_factor=True)[1]}"}


@schema.parametrize()
@HYPOTHESIS
def test_as_trader(case, trader1):
    case.call_and_validate(headers=token_of(trader1), checks=CHECKS)


@schema.parametrize()
@HYPOTHESIS
def test_as_officer(case, officer):
    case.call_and_validate(headers=token_of(officer), checks=CHECKS)


@schema.parametrize()
@HYPOTHESIS
def test_as_risk_admin(case, risk_admin):
    case.call_and_validate(headers=token_of(risk_admin), checks=CHECKS)
