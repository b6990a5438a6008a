"""How the API fuzzer (schemathesis) meets the portal: the schema it reads, who it is, what it knows.

- The schema is the one integrators download: `GET /api/schema/`, through the application.
- Each role calls as integrators do: with its token (anonymous without one, each call from an
  address of its own, so the per-address rate limit never answers in place of the endpoint).
- Path parameters are drawn now and then from the objects of the world (tests/security/support.py):
  a random id reaches nothing but a 404, while the draft, the declaration under review, the paid
  one and the other enterprise's are where the state machine of a declaration can break.
"""
import itertools
import re

import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.security.support import World

ROLES = ("trader", "other_trader", "officer", "risk_admin", "gate", "anonymous")
PRINTOUTS = r"/(pdf|receipt)/$"

# No 5xx, and every answer as the schema documents it: its status code, content type, headers, body.
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]

application = get_wsgi_application()
schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
# Not the coverage phase: its hundreds of boundary bodies per declaration operation (mostly 400s)
# cost five times the fuzzing phase; the fuzzing phase and the sequences reach further for less.
schema.config.phases.coverage.enabled = False

# What the world holds, by path parameter, for the operations whose path starts with the key; and
# by body field, for the operations of exactly that path (the gate scans a number).
# Filled by `known_objects_set` once the world exists (the strategies read it as they draw).
KNOWN: dict[str, dict[str, list]] = {}
KNOWN_IN_BODY: dict[str, dict[str, list]] = {}


def known_objects_set(world: World) -> None:
    declarations = [world.draft.pk, world.review.pk, world.payable.pk, world.paid.pk, world.other.pk]
    KNOWN.clear()
    KNOWN.update({
        "/api/v1/declarations/": {"id": declarations, "document_id": [world.document.pk]},
        "/api/v1/payments/": {"id": [world.pending.pk, world.credited.pk]},
        "/api/v1/risk/rules/": {"id": [world.rule_watchlist.pk, world.rule_keyboards.pk]},
        "/api/v1/risk/reference-prices/": {"id": [world.price.pk]},
        "/api/v1/risk/watchlist/partners/": {"id": [world.partner.pk]},
        "/api/v1/risk/backtest/": {"id": [world.backtest.pk]},
        "/api/v1/risk/changes/": {"id": [world.change.pk]},
        "/api/v1/enterprises/": {"tax_code": [world.review.enterprise.tax_code, world.other.enterprise.tax_code]},
    })
    KNOWN_IN_BODY.clear()
    KNOWN_IN_BODY["/api/v1/gate/release/"] = {"declaration_number": [world.paid.number, world.payable.number]}
    KNOWN_IN_BODY["/api/v1/risk/changes/"] = {"rule": [world.rule_inactive.pk, world.rule_watchlist.pk]}


def _known_for(path: str) -> dict[str, list]:
    for prefix, values in KNOWN.items():
        if path.startswith(prefix):
            return values
    return {}


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    """The generated parameters, or, as often, a known object in place of each parameter that names one."""
    known = _known_for(context.operation.path)
    if not known or not isinstance(path_parameters, dict):
        return st.just(path_parameters)
    drawn = {name: st.one_of(st.just(value), st.sampled_from(known[name])) if name in known else st.just(value)
             for name, value in path_parameters.items()}
    return st.fixed_dictionaries(drawn)


def _examples_of(operation) -> list:
    content = operation.definition.raw.get("requestBody", {}).get("content", {}).get("application/json", {})
    return [example["value"] for example in content.get("examples", {}).values()]


@schema.hook
def flatmap_body(context, body):
    """The generated body, or as often one of the schema's examples: a sequence that never creates a
    declaration never submits, amends or cancels one (Schemathesis alone mixes in examples 1 time in 5).
    A field that names an object of the world names it as often."""
    known = KNOWN_IN_BODY.get(context.operation.path)
    if known and isinstance(body, dict):
        return st.fixed_dictionaries({
            name: st.one_of(st.just(value), st.sampled_from(known[name])) if name in known else st.just(value)
            for name, value in body.items()})
    examples = _examples_of(context.operation)
    return st.one_of(st.just(body), st.sampled_from(examples)) if examples else st.just(body)


# What each role does, by operation id, for the sequences (test_schemathesis.py::test_sequences):
# the operations it may call that change or lead to something, but the printouts (a PDF costs a
# hundred other calls). Every operation as every role: the single calls of test_schemathesis.py.
SEQUENCES = {
    "trader": r"^v1_(declarations_(?!decisions|pdf)|payments_retrieve|reference_)",
    "other_trader": r"^v1_(declarations_(?!decisions|pdf)|payments_retrieve|reference_)",
    "officer": r"^v1_(declarations_(list|retrieve|cancel|decisions|documents_list|documents_download|document_requests"
               r"|payments_list|versions)|review_queue|payments_retrieve)",
    "risk_admin": r"^v1_(risk_|enterprises_|declarations_(list|retrieve))",
}


def sequences_schema(role: str):
    return schema.include(operation_id_regex=SEQUENCES[role])


_addresses = (f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}" for n in itertools.count(1))


def call_kwargs(world: World, role: str) -> dict:
    """What `case.call` needs to call as `role`."""
    if role == "anonymous":
        return {"environ_base": {"REMOTE_ADDR": next(_addresses)}}
    return {"headers": {"Authorization": f"Token {world.tokens[role]}"}}


def operation_label(case) -> str:
    return re.sub(r"\s+", " ", case.operation.label)
