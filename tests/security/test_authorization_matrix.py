"""Who may do what: every URL pattern of the portal × every role, with the answer expected.

`MATRIX` is the table (data, not code): one row per URL pattern and HTTP method, one column per
role. The roles are anonymous, a trader of another enterprise, the owning trader, an officer, a
risk admin, the gate, "the bank without signature" — a request claiming to be the bank
(an X-Bank-Signature header) without the valid signature of its body; to the callback that is
the bank's forged call, to every other endpoint an anonymous request with a bogus header — and
"no 2FA", customs staff without a verified second factor: an officer who logged in with the
password only.

The matrix runs as production does, with STAFF_SECOND_FACTOR_REQUIRED on: the officer and the
risk admin have given their one-time code (their sessions are verified, their tokens were issued
with it). The "no 2FA" officer's session has not, and its token was issued without it (before
the setting was turned on); its API cells are tried both ways, by token and by session.
`SF` in its column means: refused for want of the second factor — pages redirect to the
second-factor page, the API answers 403 `{"code": "second_factor_required"}`.

Each (row, role) is one test against real objects (tests/security/conftest.py: a yellow
declaration in the review queue, a cleared one at the gate, a payable one, a credited payment,
rules, a watchlist, a backtest, a reconciliation report), so a 403 or 404 is authorization's
answer and not the state's. A denied request (401, 403, 404, or a redirect to the login or the
second-factor page) must leave every business table as it was: a digest of the tables is compared before and after.
Allowed unsafe requests are only checked for their status here; their effects are the
subject of the apps' own tests.

Conventions the table encodes (domain.md, api.md):
- another enterprise's trader gets 404 for its objects, never 403, so existence does not leak;
  a role that may never use an endpoint gets 403 whatever the object (it learns nothing);
- the API answers an anonymous request 401 (token authentication: "WWW-Authenticate: Token"),
  the pages send it to the login page (302);
- the bank callback without a valid signature is 403 whoever sends it;
- the gate sees no declarations: pages about one answer it 404 (the same selector as for other
  enterprises), pages and API endpoints it may never use 403;
- the bank simulator (development only, on in the test settings) is a bank: its pay page is for the
  paying enterprise's trader signed in (others: as any page of another enterprise, or a role that may
  never pay), its statement for the portal's signed request only (403 to every role here).
"""
import json
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from channels.auth import AuthMiddlewareStack
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import (
    Resolver404,
    URLPattern,
    URLResolver,
    get_resolver,
    resolve,
    reverse,
)

from customs_portal.routing import websocket_urlpatterns
from payments.models import Payment
from payments.signing import signature_compute
from risk.learned_models import RiskModelVersion
from tests.payloads import as_form_data, import_body, plain_import_body, rule_post
from tests.security.support import (
    BOGUS_SIGNATURE,
    HISTORY_UPLOAD,
    ITEMS_UPLOAD,
    PLACEHOLDER,
    ROLES,
    UPLOAD,
    WATCHLISTED_PARTNER,
    address_for,
    api_client_as,
    database_snapshot,
    fill,
    page_client_as,
    sockets_run,
)

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Row:
    method: str
    path: str  # with {placeholders} of World.placeholders()
    body: str | None  # a key of BODIES
    expected: dict  # role -> status
    setting: str | None = None  # the row exists only when this setting is on

    @property
    def route(self) -> str:
        """The URL pattern the path hits, as Django's resolver names it (ResolverMatch.route)."""
        return resolve(urlsplit(PLACEHOLDER.sub("1", self.path)).path).route

    @property
    def api(self) -> bool:
        return self.path.startswith("/api/")


def row(method, path, body, *statuses, setting=None) -> Row:
    assert len(statuses) == len(ROLES), path
    return Row(method, path, body, dict(zip(ROLES, statuses)), setting)


# Refused for want of the second factor (see the module's docstring).
SF = "second factor"


SIMULATOR = "BANK_SIMULATOR_ENABLED"

BODIES = {
    # API (JSON, or multipart with a file)
    "credentials": {"username": "trader1", "password": "demo12345"},
    "declaration": import_body(),
    "patch": {"packages": 99},
    "amend": {"packages": 13, "reason": "Two pallets were missed."},
    "decision": {"action": "escalate", "note": "The seals do not match the bill of lading."},
    "accept_amendment": {"action": "accept_amendment", "note": "Tally sheet checked."},
    "refuse_amendment": {"action": "refuse_amendment", "note": "The bill of lading says otherwise."},
    "cancel": {"reason": "Filed twice."},
    "assign": {"officer": None, "reason": "Back to the pool"},
    "assign_form": {"officer": "none", "reason": "Back to the pool"},
    "document": {"kind": "packing_list", "file": UPLOAD},
    "items_file": {"file": ITEMS_UPLOAD},
    "gate_release": {"declaration_number": "{paid_number}", "container_numbers": []},
    "rule": {"name": "Tobacco", "description": "HS 2402", "score": 50, "min_channel": "red",
             "conditions": [{"field": "items.hs_code", "op": "startswith", "value": "2402"}]},
    "rule_patch": {"score": 5},
    "risk_settings": {"yellow_threshold": 20, "red_threshold": 60, "random_yellow_rate": "0.05",
                      "random_red_rate": "0.02"},
    "backtest": {"rules": ["{rule}"], "from": "{month_ago}", "to": "{today}"},
    "class_caps": {"yellow_cap": "0.0500", "red_cap": "0.0100", "random_yellow_min": "0.0100", "random_red_min": "0"},
    "cap_window": {"days": 30},
    "model_train": {"sources": [], "seed": 7},
    "risk_change": {"rule": "{inactive_rule}", "changes": {"active": True}, "change_note": "go live"},
    "partner": {"name": "Acme Export Co", "country": "KR", "reason": "tip-off"},
    "price": {"hs_code": "8703", "unit": "PCE", "price_vnd": "100000000"},
    "price_change": {"hs_code": "8471", "unit": "PCE", "price_vnd": "6000000"},
    "compliance": {"compliance_level": "low", "on_watchlist": True},
    "compliance_override": {"level": "low", "reason": "Smuggling case 12/2026", "valid_until": "{today}"},
    "bank_callback": {"reference": "{pending_reference}", "amount": "{pending_amount}", "status": "success",
                      "bank_transaction_id": "SB-MATRIX-0001"},
    # Pages (form posts)
    "declaration_form": as_form_data(import_body()),
    "draft_form": as_form_data(plain_import_body(packages=14)),
    "draft_items_form": {**as_form_data(plain_import_body(packages=14)), "import_items": "1", "items_file": ITEMS_UPLOAD},
    "amend_form": {**as_form_data(plain_import_body(packages=13)), "reason": "Two pallets were missed."},
    "review_decision": {"action": "escalate", "note": "The seals do not match the bill of lading."},
    "review_accept_amendment": {"action": "accept_amendment", "note": "Tally sheet checked."},
    "review_refuse_amendment": {"action": "refuse_amendment", "note": "The bill of lading says otherwise."},
    "cancel_form": {"reason": "Filed twice."},
    "pay_form": {"bank": "BFTVVNVX"},
    "document_form": {"kind": "packing_list", "file": UPLOAD},
    "gate_form": {"scanned": "{paid_number}", "containers": ""},
    "rule_form": rule_post(),
    "model_train_form": {"seed": "7"},
    "class_caps_form": {"yellow_cap_percent": "5", "red_cap_percent": "1", "random_yellow_min_percent": "1",
                        "random_red_min_percent": "0"},
    "risk_settings_form": {"yellow_threshold": "20", "red_threshold": "60", "random_yellow_percent": "5",
                           "random_red_percent": "2"},
    "compliance_form": {"compliance_level": "low", "on_watchlist": "on"},
    "compliance_override_form": {"level": "low", "reason": "Smuggling case 12/2026", "valid_until": "{today}"},
    "priority_form": {"granted": "yes"},
    "partner_form": {"name": "Acme Export Co", "country": "KR", "reason": "tip-off"},
    "price_form": {"hs_code": "8703", "unit": "PCE", "price_vnd": "100000000"},
    "price_change_form": {"hs_code": "8471", "unit": "PCE", "price_vnd": "6000000"},
    "backtest_form": {"rules": "{rule}", "date_from": "{month_ago}", "date_to": "{today}"},
    "rule_backtest_form": {**rule_post(), "backtest_from": "{month_ago}", "backtest_to": "{today}"},
    "reconciliation_form": {"statement_date": "{report_date}"},
    "bank_form": {"amount": "{pending_amount}", "decision": "decline", "delivery": "once"},
    "revoke_tokens_form": {"revoke": "all"},
    "findings": {"findings": "The contract price agrees.", "discrepancy": False, "lines": []},
    "findings_form": {"findings": "The contract price agrees."},
    "availability": {"available": False, "reason": "Annual leave"},
    "availability_form": {"available": "0", "reason": "Annual leave"},
    "class_policy_form": {"class-high-random_percent": "1,5", "class-high-cap_percent": "3"},
    "history_import_form": {"file": HISTORY_UPLOAD, "source": "matrix", "currency": "KRW"},
    "audit_rule_form": {"name_en": "Cigarettes", "active": "on",
                        "cond-0-field": "items.hs_code", "cond-0-op": "startswith", "cond-0-value": "2402"},
}

# fmt: off
MATRIX = [
    #   method    path                                                                body                   anon, other, trader, officer, risk, gate, bank, no 2FA
    # --- API: authentication and declarations (api.md, "Authentication", "Declarations")
    row("POST",   "/api/v1/auth/token/",                                              "credentials",          200,   200,    200,     200,  200,  200,  200,  200),
    row("DELETE", "/api/v1/auth/token/",                                              None,                   401,   204,    204,     204,  204,  204,  401,   SF),
    row("GET",    "/api/v1/auth/tokens/",                                             None,                   401,   200,    200,     200,  200,  200,  401,   SF),
    row("DELETE", "/api/v1/auth/tokens/",                                             None,                   401,   204,    204,     204,  204,  204,  401,   SF),
    row("GET",    "/api/v1/declarations/",                                            None,                   401,   200,    200,     200,  200,  403,  401,   SF),
    row("POST",   "/api/v1/declarations/",                                            "declaration",          401,   201,    201,     403,  403,  403,  401,   SF),
    row("GET",    "/api/v1/declarations/{review}/",                                   None,                   401,   404,    200,     200,  200,  403,  401,   SF),
    row("PATCH",  "/api/v1/declarations/{draft}/",                                    "patch",                401,   404,    200,     403,  403,  403,  401,   SF),
    row("POST",   "/api/v1/declarations/{draft}/submit/",                             None,                   401,   404,    202,     403,  403,  403,  401,   SF),
    row("POST",   "/api/v1/declarations/{review}/amend/",                             "amend",                401,   404,    202,     403,  403,  403,  401,   SF),
    row("GET",    "/api/v1/declarations/{review}/versions/",                          None,                   401,   404,    200,     200,  200,  403,  401,   SF),
    # goods lines as spreadsheets (the template, a declaration's lines, a draft's import) and copies
    row("GET",    "/api/v1/declarations/items-template.xlsx",                         None,                   401,   200,    200,     403,  403,  403,  401,   SF),
    row("GET",    "/api/v1/declarations/{review}/items.xlsx",                         None,                   401,   404,    200,     200,  200,  403,  401,   SF),
    row("POST",   "/api/v1/declarations/{draft}/items/import/",                       "items_file",           401,   404,    200,     403,  403,  403,  401,   SF),
    row("POST",   "/api/v1/declarations/{review}/copy/",                              None,                   401,   404,    201,     403,  403,  403,  401,   SF),
    row("GET",    "/api/v1/declarations/{review}/pdf/",                               None,                   401,   404,    200,     200,  200,  403,  401,   SF),
    row("POST",   "/api/v1/declarations/{review}/cancel/",                            "cancel",               401,   404,    200,     200,  403,  403,  401,   SF),
    row("GET",    "/api/v1/declarations/{review}/documents/",                         None,                   401,   404,    200,     200,  200,  403,  401,   SF),
    row("POST",   "/api/v1/declarations/{review}/documents/",                         "document",             401,   404,    201,     403,  403,  403,  401,   SF),
    row("GET",    "/api/v1/declarations/{review}/documents/{document}/download/",     None,                   401,   404,    200,     200,  200,  403,  401,   SF),
    row("GET",    "/api/v1/declarations/{review}/document-requests/",                 None,                   401,   404,    200,     200,  200,  403,  401,   SF),
    # --- API: officers and the gate
    row("POST",   "/api/v1/declarations/{review}/decisions/",                         "decision",             401,   403,    403,     201,  403,  403,  401,   SF),
    # --- API: the trader's amendment request of a declaration customs holds, and the officer's decision on it
    row("GET",    "/api/v1/declarations/{amending}/",                                 None,                   401,   404,    200,     200,  200,  403,  401,   SF),
    row("POST",   "/api/v1/declarations/{amending}/amend/",                           "amend",                401,   404,    409,     403,  403,  403,  401,   SF),
    # the preview of an amendment after clearance: the trader's own only (under review: 409, not cleared)
    row("POST",   "/api/v1/declarations/{review}/amend/preview/",                     "amend",                401,   404,    409,     403,  403,  403,  401,   SF),
    row("POST",   "/api/v1/declarations/{amending}/decisions/",                       "accept_amendment",     401,   403,    403,     201,  403,  403,  401,   SF),
    row("POST",   "/api/v1/declarations/{amending}/decisions/",                       "refuse_amendment",     401,   403,    403,     201,  403,  403,  401,   SF),
    row("GET",    "/api/v1/review-queue/",                                            None,                   401,   403,    403,     200,  403,  403,  401,   SF),
    row("GET",    "/api/v1/review-queue/?assigned=me",                                None,                   401,   403,    403,     200,  403,  403,  401,   SF),
    # the officer is a supervisor (tests/security/support.py); other officers: tests/declarations/test_assignment*.py
    row("POST",   "/api/v1/declarations/{review}/assign/",                            "assign",               401,   403,    403,     200,  403,  403,  401,   SF),
    # officers' absence: the officer themself (or a supervisor of their office; others: tests/declarations/test_absence.py)
    row("POST",   "/api/v1/officers/{officer}/availability/",                         "availability",         401,   403,    403,     200,  403,  403,  401,   SF),
    # the trader's notices (the law's time limits): its own enterprise's only; customs staff and the gate have none
    row("GET",    "/api/v1/notices/",                                                 None,                   401,   200,    200,     403,  403,  403,  401,   SF),
    row("POST",   "/api/v1/notices/{notice}/read/",                                   None,                   401,   404,    200,     403,  403,  403,  401,   SF),
    row("POST",   "/api/v1/gate/release/",                                            "gate_release",         401,   403,    403,     403,  403,  200,  401,   SF),
    # --- API: reference data (any signed-in user)
    row("GET",    "/api/v1/reference/hs-codes/?q=8471",                               None,                   401,   200,    200,     200,  200,  200,  401,   SF),
    row("GET",    "/api/v1/reference/hs-codes/search/?q=8471",                        None,                   401,   200,    200,     200,  200,  200,  401,   SF),
    row("GET",    "/api/v1/reference/customs-offices/",                               None,                   401,   200,    200,     200,  200,  200,  401,   SF),
    row("GET",    "/api/v1/reference/exchange-rates/?currency=USD",                   None,                   401,   200,    200,     200,  200,  200,  401,   SF),
    row("GET",    "/api/v1/reference/countries/",                                     None,                   401,   200,    200,     200,  200,  200,  401,   SF),
    row("GET",    "/api/v1/reference/currencies/",                                    None,                   401,   200,    200,     200,  200,  200,  401,   SF),
    row("GET",    "/api/v1/reference/units/",                                         None,                   401,   200,    200,     200,  200,  200,  401,   SF),
    row("GET",    "/api/v1/reference/ports/",                                         None,                   401,   200,    200,     200,  200,  200,  401,   SF),
    row("GET",    "/api/v1/reference/incoterms/",                                     None,                   401,   200,    200,     200,  200,  200,  401,   SF),
    # --- API: statistics (customs_statistics/access.py): traders their own enterprise's release times, channel
    # mix and revenue (naming another enterprise: 403); officers their offices and their workload; hit rates for
    # supervisors (the matrix's officer is one) and risk admins; the gate nothing
    row("GET",    "/api/v1/statistics/release-times/?from={month_ago}&to={today}",    None,                   401,   200,    200,     200,  200,  403,  401,   SF),
    row("GET",    "/api/v1/statistics/release-times/?enterprise={tax_code}",          None,                   401,   403,    200,     200,  200,  403,  401,   SF),
    row("GET",    "/api/v1/statistics/channel-mix/?group_by=enterprise",              None,                   401,   200,    200,     200,  200,  403,  401,   SF),
    row("GET",    "/api/v1/statistics/hit-rates/?source=all",                         None,                   401,   403,    403,     200,  200,  403,  401,   SF),
    row("GET",    "/api/v1/statistics/revenue/?group_by=office",                      None,                   401,   200,    200,     200,  200,  403,  401,   SF),
    row("GET",    "/api/v1/statistics/workload/",                                     None,                   401,   403,    403,     200,  200,  403,  401,   SF),
    # --- API: risk administration (risk admins only)
    row("GET",    "/api/v1/risk/rules/",                                              None,                   401,   403,    403,     403,  200,  403,  401,   SF),
    row("GET",    "/api/v1/risk/rules/hit-rates/?from={month_ago}&to={today}",        None,                   401,   403,    403,     403,  200,  403,  401,   SF),
    row("POST",   "/api/v1/risk/rules/",                                              "rule",                 401,   403,    403,     403,  201,  403,  401,   SF),
    row("GET",    "/api/v1/risk/rules/{rule}/",                                       None,                   401,   403,    403,     403,  200,  403,  401,   SF),
    # an active rule's score, and other thresholds: 409 preview_required (risk/services/changes.py), after authorization
    row("PATCH",  "/api/v1/risk/rules/{rule}/",                                       "rule_patch",           401,   403,    403,     403,  409,  403,  401,   SF),
    row("DELETE", "/api/v1/risk/rules/{rule}/",                                       None,                   401,   403,    403,     403,  200,  403,  401,   SF),
    row("GET",    "/api/v1/risk/settings/",                                           None,                   401,   403,    403,     403,  200,  403,  401,   SF),
    row("PUT",    "/api/v1/risk/settings/",                                           "risk_settings",        401,   403,    403,     403,  409,  403,  401,   SF),
    row("GET",    "/api/v1/risk/classes/",                                            None,                   401,   403,    403,     403,  200,  403,  401,   SF),
    row("PUT",    "/api/v1/risk/classes/high/",                                       "class_caps",           401,   403,    403,     403,  200,  403,  401,   SF),
    row("GET",    "/api/v1/risk/cap-window/",                                         None,                   401,   403,    403,     403,  200,  403,  401,   SF),
    row("PUT",    "/api/v1/risk/cap-window/",                                         "cap_window",           401,   403,    403,     403,  200,  403,  401,   SF),
    row("POST",   "/api/v1/risk/changes/",                                            "risk_change",          401,   403,    403,     403,  202,  403,  401,   SF),
    row("GET",    "/api/v1/risk/changes/{change}/",                                   None,                   401,   403,    403,     403,  200,  403,  401,   SF),
    row("POST",   "/api/v1/risk/changes/{change}/confirm/",                           None,                   401,   403,    403,     403,  200,  403,  401,   SF),
    row("POST",   "/api/v1/risk/backtest/",                                           "backtest",             401,   403,    403,     403,  202,  403,  401,   SF),
    row("GET",    "/api/v1/risk/backtest/{backtest}/",                                None,                   401,   403,    403,     403,  200,  403,  401,   SF),
    row("GET",    "/api/v1/risk/watchlist/partners/",                                 None,                   401,   403,    403,     403,  200,  403,  401,   SF),
    row("POST",   "/api/v1/risk/watchlist/partners/",                                 "partner",              401,   403,    403,     403,  201,  403,  401,   SF),
    row("GET",    "/api/v1/risk/watchlist/partners/{partner}/",                       None,                   401,   403,    403,     403,  200,  403,  401,   SF),
    row("DELETE", "/api/v1/risk/watchlist/partners/{partner}/",                       None,                   401,   403,    403,     403,  200,  403,  401,   SF),
    row("GET",    "/api/v1/risk/reference-prices/",                                   None,                   401,   403,    403,     403,  200,  403,  401,   SF),
    row("POST",   "/api/v1/risk/reference-prices/",                                   "price",                401,   403,    403,     403,  201,  403,  401,   SF),
    row("GET",    "/api/v1/risk/reference-prices/{price}/",                           None,                   401,   403,    403,     403,  200,  403,  401,   SF),
    row("PUT",    "/api/v1/risk/reference-prices/{price}/",                           "price_change",         401,   403,    403,     403,  200,  403,  401,   SF),
    row("DELETE", "/api/v1/risk/reference-prices/{price}/",                           None,                   401,   403,    403,     403,  204,  403,  401,   SF),
    # the learned model (issue 16): version 2 is active, version 1 was before it
    row("GET",    "/api/v1/risk/model/versions/",                                     None,                   401,   403,    403,     403,  200,  403,  401,   SF),
    row("POST",   "/api/v1/risk/model/versions/",                                     "model_train",          401,   403,    403,     403,  202,  403,  401,   SF),
    row("GET",    "/api/v1/risk/model/versions/{model_version}/",                     None,                   401,   403,    403,     403,  200,  403,  401,   SF),
    row("POST",   "/api/v1/risk/model/versions/{model_version}/activate/",            None,                   401,   403,    403,     403,  200,  403,  401,   SF),
    row("POST",   "/api/v1/risk/model/rollback/",                                     None,                   401,   403,    403,     403,  200,  403,  401,   SF),
    row("POST",   "/api/v1/risk/model/deactivate/",                                   None,                   401,   403,    403,     403,  204,  403,  401,   SF),
    row("GET",    "/api/v1/enterprises/{tax_code}/compliance/",                       None,                   401,   403,    403,     403,  200,  403,  401,   SF),
    row("PUT",    "/api/v1/enterprises/{tax_code}/compliance/",                       "compliance",           401,   403,    403,     403,  200,  403,  401,   SF),
    # computed compliance (issue 15): officers read it; the world has no override in force, so lifting one is
    # 409 no_override, after authorization
    row("GET",    "/api/v1/risk/enterprises/{tax_code}/compliance/",                  None,                   401,   403,    403,     200,  200,  403,  401,   SF),
    row("POST",   "/api/v1/risk/enterprises/{tax_code}/compliance/override/",         "compliance_override",  401,   403,    403,     403,  201,  403,  401,   SF),
    row("DELETE", "/api/v1/risk/enterprises/{tax_code}/compliance/override/",         None,                   401,   403,    403,     403,  409,  403,  401,   SF),
    row("POST",   "/api/v1/risk/enterprises/{tax_code}/compliance/compute/",          None,                   401,   403,    403,     403,  200,  403,  401,   SF),
    # --- API: payments (api.md, "Payments")
    row("GET",    "/api/v1/declarations/{payable}/payments/",                         None,                   401,   404,    200,     200,  200,  403,  401,   SF),
    row("POST",   "/api/v1/declarations/{payable}/payments/",                         None,                   401,   404,    201,     403,  403,  403,  401,   SF),
    row("POST",   "/api/v1/payments/bank-callback/",                                  "bank_callback",        403,   403,    403,     403,  403,  403,  403,  403),
    row("GET",    "/api/v1/payments/{payment}/",                                      None,                   401,   404,    200,     200,  200,  403,  401,   SF),
    row("GET",    "/api/v1/payments/{payment}/receipt/",                              None,                   401,   404,    200,     200,  200,  403,  401,   SF),
    # --- API: post-clearance audit (officers with the auditor permission; the matrix's officer has it)
    row("GET",    "/api/v1/post-clearance/audits/",                                   None,                   401,   403,    403,     200,  403,  403,  401,   SF),
    row("GET",    "/api/v1/post-clearance/audits/{audit}/",                           None,                   401,   403,    403,     200,  403,  403,  401,   SF),
    # already open: 409 illegal_transition, after authorization
    row("POST",   "/api/v1/post-clearance/audits/{audit}/open/",                      None,                   401,   403,    403,     409,  403,  403,  401,   SF),
    row("POST",   "/api/v1/post-clearance/audits/{audit}/findings/",                  "findings",             401,   403,    403,     200,  403,  403,  401,   SF),
    row("POST",   "/api/v1/post-clearance/audits/{audit}/close/",                     None,                   401,   403,    403,     200,  403,  403,  401,   SF),
    # --- API: a path under /api/v1/ that names no endpoint: a JSON 404, after the same authentication
    row("GET",    "/api/v1/no-such-endpoint/",                                        None,                   401,   404,    404,     404,  404,  404,  401,   SF),
    # --- API: the schema and its browsable docs are public
    row("GET",    "/api/schema/",                                                     None,                   200,   200,    200,     200,  200,  200,  200,  200),
    row("GET",    "/api/docs/",                                                       None,                   200,   200,    200,     200,  200,  200,  200,  200),
    # --- Pages: the front door and accounts
    row("GET",    "/",                                                                None,                   302,   302,    302,     302,  302,  302,  302,   SF),
    row("GET",    "/accounts/login/",                                                 None,                   200,   302,    302,     302,  302,  302,  200,  302),
    row("POST",   "/accounts/logout/",                                                None,                   302,   302,    302,     302,  302,  302,  302,  302),
    row("GET",    "/accounts/second-factor/",                                         None,                   302,   302,    302,     302,  302,  302,  302,  200),
    row("GET",    "/accounts/tokens/",                                                None,                   302,   200,    200,     200,  200,  200,  302,   SF),
    row("POST",   "/accounts/tokens/",                                                "revoke_tokens_form",   302,   302,    302,     302,  302,  302,  302,   SF),
    # --- Pages: the trader's declarations
    row("GET",    "/declarations/",                                                   None,                   302,   200,    200,     200,  200,  403,  302,   SF),
    row("POST",   "/declarations/notices/{notice}/read/",                             None,                   302,   404,    302,     403,  403,  403,  302,   SF),
    row("POST",   "/declarations/notices/read/",                                      None,                   302,   302,    302,     403,  403,  403,  302,   SF),
    row("GET",    "/declarations/new/",                                               None,                   302,   200,    200,     403,  403,  403,  302,   SF),
    row("POST",   "/declarations/new/",                                               "declaration_form",     302,   302,    302,     403,  403,  403,  302,   SF),
    row("POST",   "/declarations/preview/",                                           "declaration_form",     302,   200,    200,     403,  403,  403,  302,   SF),
    row("GET",    "/declarations/hs-lookup/?q=8471",                                  None,                   302,   200,    200,     200,  200,  200,  302,   SF),
    row("GET",    "/declarations/live-state/?id={review}",                            None,                   302,   200,    200,     200,  200,  403,  302,   SF),
    row("GET",    "/declarations/{review}/",                                          None,                   302,   404,    200,     200,  200,  404,  302,   SF),
    row("GET",    "/declarations/{draft}/edit/",                                      None,                   302,   404,    200,     403,  403,  403,  302,   SF),
    row("POST",   "/declarations/{draft}/edit/",                                      "draft_form",           302,   404,    302,     403,  403,  403,  302,   SF),
    row("POST",   "/declarations/{draft}/edit/",                                      "draft_items_form",     302,   404,    200,     403,  403,  403,  302,   SF),
    row("POST",   "/declarations/{review}/copy/",                                     None,                   302,   404,    302,     403,  403,  403,  302,   SF),
    row("POST",   "/declarations/{draft}/submit/",                                    None,                   302,   404,    302,     403,  403,  403,  302,   SF),
    row("GET",    "/declarations/{review}/pdf/",                                      None,                   302,   404,    200,     200,  200,  403,  302,   SF),
    row("GET",    "/declarations/{review}/documents/",                                None,                   302,   404,    200,     403,  403,  403,  302,   SF),
    row("POST",   "/declarations/{review}/documents/",                                "document_form",        302,   404,    302,     403,  403,  403,  302,   SF),
    row("GET",    "/declarations/{review}/documents/{document}/",                     None,                   302,   404,    200,     200,  200,  403,  302,   SF),
    row("POST",   "/declarations/{review}/cancel/",                                   "cancel_form",          302,   404,    302,     403,  403,  403,  302,   SF),
    row("GET",    "/declarations/{review}/amend/",                                    None,                   302,   404,    200,     403,  403,  403,  302,   SF),
    row("POST",   "/declarations/{review}/amend/",                                    "amend_form",           302,   404,    302,     403,  403,  403,  302,   SF),
    # --- Pages: the officer's review (risk admins read it without acting), the gate
    row("GET",    "/declarations/review/",                                            None,                   302,   403,    403,     200,  403,  403,  302,   SF),
    row("GET",    "/declarations/{review}/review/",                                   None,                   302,   404,    403,     200,  200,  403,  302,   SF),
    row("POST",   "/declarations/{review}/review/",                                   "review_decision",      302,   404,    403,     302,  403,  403,  302,   SF),
    row("POST",   "/declarations/{review}/assign/",                                   "assign_form",          302,   404,    403,     302,  403,  403,  302,   SF),
    # the supervisor's "Officers" page (the matrix's officer is a supervisor) and the absent/available form
    row("GET",    "/declarations/review/officers/",                                   None,                   302,   403,    403,     200,  403,  403,  302,   SF),
    row("POST",   "/declarations/review/officers/{officer}/availability/",            "availability_form",    302,   403,    403,     302,  403,  403,  302,   SF),
    row("GET",    "/declarations/{amending}/",                                        None,                   302,   404,    200,     200,  200,  404,  302,   SF),
    row("GET",    "/declarations/{amending}/amend/",                                  None,                   302,   404,    302,     403,  403,  403,  302,   SF),
    row("GET",    "/declarations/{amending}/review/",                                 None,                   302,   404,    403,     200,  200,  403,  302,   SF),
    row("POST",   "/declarations/{amending}/review/",                                 "review_accept_amendment", 302, 404,   403,     302,  403,  403,  302,   SF),
    row("POST",   "/declarations/{amending}/review/",                                 "review_refuse_amendment", 302, 404,   403,     302,  403,  403,  302,   SF),
    row("GET",    "/gate/",                                                           None,                   302,   403,    403,     403,  403,  200,  302,   SF),
    row("POST",   "/gate/",                                                           "gate_form",            302,   403,    403,     403,  403,  200,  302,   SF),
    row("POST",   "/gate/confirm/",                                                   "gate_form",            302,   403,    403,     403,  403,  302,  302,   SF),
    # --- Pages: risk administration
    row("GET",    "/risk/rules/",                                                     None,                   302,   403,    403,     403,  200,  403,  302,   SF),
    row("GET",    "/risk/rules/?from={month_ago}&to={today}",                         None,                   302,   403,    403,     403,  200,  403,  302,   SF),
    row("GET",    "/risk/rules/new/",                                                 None,                   302,   403,    403,     403,  200,  403,  302,   SF),
    row("POST",   "/risk/rules/new/",                                                 "rule_form",            302,   403,    403,     403,  302,  403,  302,   SF),
    row("POST",   "/risk/rules/new/backtest/",                                        "rule_backtest_form",   302,   403,    403,     403,  200,  403,  302,   SF),
    row("GET",    "/risk/rules/{rule}/",                                              None,                   302,   403,    403,     403,  200,  403,  302,   SF),
    row("GET",    "/risk/rules/{rule}/edit/",                                         None,                   302,   403,    403,     403,  200,  403,  302,   SF),
    row("POST",   "/risk/rules/{rule}/edit/",                                         "rule_form",            302,   403,    403,     403,  302,  403,  302,   SF),
    row("POST",   "/risk/rules/{rule}/backtest/",                                     "rule_backtest_form",   302,   403,    403,     403,  200,  403,  302,   SF),
    row("POST",   "/risk/rules/{inactive_rule}/activate/",                            None,                   302,   403,    403,     403,  302,  403,  302,   SF),
    row("POST",   "/risk/rules/{rule}/deactivate/",                                   None,                   302,   403,    403,     403,  302,  403,  302,   SF),
    row("GET",    "/risk/changes/{change}/",                                          None,                   302,   403,    403,     403,  200,  403,  302,   SF),
    row("POST",   "/risk/changes/{change}/confirm/",                                  None,                   302,   403,    403,     403,  302,  403,  302,   SF),
    row("GET",    "/risk/settings/",                                                  None,                   302,   403,    403,     403,  200,  403,  302,   SF),
    row("POST",   "/risk/settings/",                                                  "risk_settings_form",   302,   403,    403,     403,  302,  403,  302,   SF),
    row("GET",    "/risk/settings/classes/high/",                                     None,                   302,   403,    403,     403,  200,  403,  302,   SF),
    row("POST",   "/risk/settings/classes/high/",                                     "class_caps_form",      302,   403,    403,     403,  302,  403,  302,   SF),
    row("GET",    "/risk/settings/cap-window/",                                       None,                   302,   403,    403,     403,  200,  403,  302,   SF),
    row("POST",   "/risk/settings/cap-window/",                                       "cap_window",           302,   403,    403,     403,  302,  403,  302,   SF),
    row("GET",    "/risk/model/history/",                                             None,                   302,   403,    403,     403,  200,  403,  302,   SF),
    row("POST",   "/risk/model/history/",                                             "history_import_form",  302,   403,    403,     403,  302,  403,  302,   SF),
    row("POST",   "/risk/model/history/shipped/",                                     None,                   302,   403,    403,     403,  302,  403,  302,   SF),
    row("GET",    "/risk/enterprises/",                                               None,                   302,   403,    403,     403,  200,  403,  302,   SF),
    row("POST",   "/risk/enterprises/{tax_code}/compliance/",                         "compliance_form",      302,   403,    403,     403,  302,  403,  302,   SF),
    row("GET",    "/risk/enterprises/{tax_code}/",                                    None,                   302,   403,    403,     403,  200,  403,  302,   SF),
    row("POST",   "/risk/enterprises/{tax_code}/compliance/override/",                "compliance_override_form", 302, 403,  403,     403,  302,  403,  302,   SF),
    row("POST",   "/risk/enterprises/{tax_code}/compliance/override/lift/",           None,                   302,   403,    403,     403,  302,  403,  302,   SF),
    row("POST",   "/risk/enterprises/{tax_code}/compliance/compute/",                 None,                   302,   403,    403,     403,  302,  403,  302,   SF),
    row("POST",   "/risk/enterprises/{tax_code}/compliance/priority/",                "priority_form",        302,   403,    403,     403,  302,  403,  302,   SF),
    row("GET",    "/risk/watchlist/",                                                 None,                   302,   403,    403,     403,  200,  403,  302,   SF),
    row("POST",   "/risk/watchlist/",                                                 "partner_form",         302,   403,    403,     403,  302,  403,  302,   SF),
    row("POST",   "/risk/watchlist/{partner}/deactivate/",                            None,                   302,   403,    403,     403,  302,  403,  302,   SF),
    row("GET",    "/risk/reference-prices/",                                          None,                   302,   403,    403,     403,  200,  403,  302,   SF),
    row("POST",   "/risk/reference-prices/",                                          "price_form",           302,   403,    403,     403,  302,  403,  302,   SF),
    row("GET",    "/risk/reference-prices/{price}/edit/",                             None,                   302,   403,    403,     403,  200,  403,  302,   SF),
    row("POST",   "/risk/reference-prices/{price}/edit/",                             "price_change_form",    302,   403,    403,     403,  302,  403,  302,   SF),
    row("POST",   "/risk/reference-prices/{price}/delete/",                           None,                   302,   403,    403,     403,  302,  403,  302,   SF),
    row("GET",    "/risk/backtest/",                                                  None,                   302,   403,    403,     403,  200,  403,  302,   SF),
    row("POST",   "/risk/backtest/",                                                  "backtest_form",        302,   403,    403,     403,  302,  403,  302,   SF),
    row("GET",    "/risk/backtest/{backtest}/",                                       None,                   302,   403,    403,     403,  200,  403,  302,   SF),
    row("GET",    "/risk/model/",                                                     None,                   302,   403,    403,     403,  200,  403,  302,   SF),
    row("POST",   "/risk/model/",                                                     "model_train_form",     302,   403,    403,     403,  302,  403,  302,   SF),
    row("GET",    "/risk/model/versions/{model_version}/",                            None,                   302,   403,    403,     403,  200,  403,  302,   SF),
    row("POST",   "/risk/model/versions/{model_version}/activate/",                   None,                   302,   403,    403,     403,  302,  403,  302,   SF),
    row("POST",   "/risk/model/rollback/",                                            None,                   302,   403,    403,     403,  302,  403,  302,   SF),
    row("POST",   "/risk/model/deactivate/",                                          None,                   302,   403,    403,     403,  302,  403,  302,   SF),
    # post-clearance audit selection settings (a section of the risk area)
    row("GET",    "/risk/post-clearance/",                                            None,                   302,   403,    403,     403,  200,  403,  302,   SF),
    row("POST",   "/risk/post-clearance/classes/high/",                               "class_policy_form",    302,   403,    403,     403,  302,  403,  302,   SF),
    row("GET",    "/risk/post-clearance/rules/new/",                                  None,                   302,   403,    403,     403,  200,  403,  302,   SF),
    row("POST",   "/risk/post-clearance/rules/new/",                                  "audit_rule_form",      302,   403,    403,     403,  302,  403,  302,   SF),
    row("GET",    "/risk/post-clearance/rules/{audit_rule}/edit/",                    None,                   302,   403,    403,     403,  200,  403,  302,   SF),
    row("POST",   "/risk/post-clearance/rules/{audit_rule}/edit/",                    "audit_rule_form",      302,   403,    403,     403,  302,  403,  302,   SF),
    row("POST",   "/risk/post-clearance/rules/{audit_rule}/deactivate/",              None,                   302,   403,    403,     403,  302,  403,  302,   SF),
    # --- Pages: payments and reconciliation
    row("POST",   "/payments/declarations/{payable}/pay/",                            "pay_form",             302,   404,    302,     403,  403,  404,  302,   SF),
    row("GET",    "/payments/declarations/{payable}/panel/",                          None,                   302,   404,    200,     200,  200,  404,  302,   SF),
    row("GET",    "/payments/{payment}/receipt/",                                     None,                   302,   404,    200,     200,  200,  404,  302,   SF),
    row("GET",    "/payments/reconciliation/",                                        None,                   302,   403,    403,     200,  200,  403,  302,   SF),
    row("POST",   "/payments/reconciliation/",                                        "reconciliation_form",  302,   403,    403,     302,  302,  403,  302,   SF),
    row("GET",    "/payments/reconciliation/{report_date}/",                          None,                   302,   403,    403,     200,  200,  403,  302,   SF),
    # --- Pages: post-clearance audit
    row("GET",    "/post-clearance/audits/",                                          None,                   302,   403,    403,     200,  403,  403,  302,   SF),
    row("GET",    "/post-clearance/audits/{audit}/",                                  None,                   302,   403,    403,     200,  403,  403,  302,   SF),
    row("POST",   "/post-clearance/audits/{audit}/",                                  "findings_form",        302,   403,    403,     302,  403,  403,  302,   SF),
    row("POST",   "/post-clearance/audits/{audit}/open/",                             None,                   302,   403,    403,     302,  403,  403,  302,   SF),
    row("POST",   "/post-clearance/audits/{audit}/close/",                            None,                   302,   403,    403,     302,  403,  403,  302,   SF),
    # --- Pages: statistics (the API's access, customs_statistics/access.py): the page and its exports
    row("GET",    "/statistics/",                                                     None,                   302,   200,    200,     200,  200,  403,  302,   SF),
    row("GET",    "/statistics/?from={month_ago}&to={today}&mix_by=enterprise",       None,                   302,   200,    200,     200,  200,  403,  302,   SF),
    row("GET",    "/statistics/release-times.csv?group_by=office",                    None,                   302,   200,    200,     200,  200,  403,  302,   SF),
    row("GET",    "/statistics/revenue.xlsx",                                         None,                   302,   200,    200,     200,  200,  403,  302,   SF),
    row("GET",    "/statistics/hit-rates.xlsx",                                       None,                   302,   403,    403,     200,  200,  403,  302,   SF),
    row("GET",    "/statistics/workload.csv",                                         None,                   302,   403,    403,     200,  200,  403,  302,   SF),
    # --- The development bank simulator: the payer's page, the portal's statement (signed request only)
    row("GET",    "/bank-simulator/pay/{pending_reference}/?amount={pending_amount}", None,                   302,   404,    200,     403,  403,  403,  302,   SF, setting=SIMULATOR),
    row("POST",   "/bank-simulator/pay/{pending_reference}/",                         "bank_form",            302,   404,    200,     403,  403,  403,  302,   SF, setting=SIMULATOR),
    row("GET",    "/bank-simulator/statements/{today}.csv",                           None,                   403,   403,    403,     403,  403,  403,  403,   SF, setting=SIMULATOR),
]
# fmt: on

# URL patterns outside the matrix: Django's admin (its own staff-only permission system), the
# language switch (no data, open to all by design) and static files served in DEBUG.
UNCOVERED_PREFIXES = ("admin/",)
UNCOVERED_VIEWS = {"django.views.i18n.set_language", "django.views.static.serve"}


def rows_in_force() -> list[Row]:
    return [r for r in MATRIX if r.setting is None or getattr(settings, r.setting)]


def ways_in(r: Row, role: str) -> tuple[str, ...]:
    """API rows are called with a token, pages with a session; the "no 2FA" officer's API cells both ways."""
    if not r.api:
        return ("session",)
    return ("token", "session") if role == "unverified_staff" else ("token",)


CASES = [pytest.param(r, role, via, id=f"{r.method} {r.path}{f' {r.body}' if r.body else ''} "
                                       f"[{role}{' by session' if r.api and via == 'session' else ''}]")
         for r in rows_in_force() for role in ROLES for via in ways_in(r, role)]


@pytest.fixture(autouse=True)
def second_factor_required(settings):
    """As in production (see the module's docstring)."""
    settings.STAFF_SECOND_FACTOR_REQUIRED = True


def has_upload(body) -> bool:
    return isinstance(body, dict) and any(isinstance(value, SimpleUploadedFile) for value in body.values())


def client_for(world, r: Row, role: str, *, via: str, address: str):
    """The API as integrators call it (a token) or the browser's scripts (a session), pages as the browser does."""
    if r.api:
        return api_client_as(world, role, address=address, via=via)
    return page_client_as(world, role, address=address)


def send(client, world, r: Row, role: str):
    """The request of row `r`, as `role` sends it."""
    names = world.placeholders()
    path = fill(r.path, names)
    body = fill(BODIES[r.body], names) if r.body else None
    headers = {"HTTP_X_BANK_SIGNATURE": BOGUS_SIGNATURE} if role == "bank_unsigned" else {}
    call = getattr(client, r.method.lower())
    if body is None:
        return call(path, **headers)
    if r.body == "bank_callback":  # the bank signs the raw bytes it sends
        return call(path, data=json.dumps(body).encode(), content_type="application/json", **headers)
    if r.api:
        return call(path, data=body, format="multipart" if has_upload(body) else "json", **headers)
    return call(path, data=body, **headers)


def denied(response) -> bool:
    if response.status_code in (401, 403, 404):
        return True
    return response.status_code == 302 and response["Location"].startswith(
        (reverse("login") + "?next=", reverse("second-factor") + "?next="))


def content_of(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


@pytest.mark.parametrize("r, role, via", CASES)
def test_matrix(world, r, role, via, request):
    """The answer of row `r` to `role` is the table's; a denial changes nothing; trader2 reads nothing of trader1's."""
    client = client_for(world, r, role, via=via, address=address_for(request.node.callspec.id))
    expected = r.expected[role]
    status = (403 if r.api else 302) if expected == SF else expected
    before = database_snapshot() if status in (302, 401, 403, 404) else None

    response = send(client, world, r, role)

    assert response.status_code == status, content_of(response)[:2000]
    if expected == SF and r.api:
        assert response.json()["code"] == "second_factor_required"
    elif expected == SF:
        assert response["Location"].startswith(reverse("second-factor") + "?next="), response["Location"]
    if denied(response):
        assert database_snapshot() == before, "a denied request changed the database"
    if expected == 302 and role in ("anonymous", "bank_unsigned") and r.path != "/accounts/logout/":
        assert denied(response), f"anonymous should be sent to log in, not to {response['Location']}"
    if role == "other_trader":
        content = content_of(response)
        leaked = [text for text in world.trader1_strings() if text in content]
        assert not leaked, f"another enterprise's trader read {leaked}"


MODEL_CHANGES = [r for r in rows_in_force() if "/model/" in r.path and r.method == "POST"]


@pytest.mark.parametrize("r, role", [pytest.param(r, role, id=f"{r.method} {r.path} [{role}]")
                                     for r in MODEL_CHANGES for role in ROLES if role != "risk_admin"])
def test_a_refused_change_of_the_learned_model_leaves_its_versions(world, r, role, request):
    """Beyond the digest of every table: the active version and the number of versions, as they were."""
    client = client_for(world, r, role, via="token", address=address_for(request.node.callspec.id))

    response = send(client, world, r, role)

    assert denied(response), response.status_code
    assert list(RiskModelVersion.objects.filter(active=True).values_list("number", flat=True)) == [2]
    assert RiskModelVersion.objects.count() == 2


def test_a_correctly_signed_callback_is_accepted(world, client):
    """The callback rows are 403 for want of the signature alone: the same body, signed, credits the payment."""
    body = json.dumps(fill(BODIES["bank_callback"], world.placeholders())).encode()
    signature = signature_compute(body=body, secret=settings.BANK_CALLBACK_SECRET)

    response = client.post("/api/v1/payments/bank-callback/", data=body, content_type="application/json",
                           HTTP_X_BANK_SIGNATURE=signature)

    assert response.status_code == 200, response.content
    assert Payment.objects.get(pk=world.pending.pk).status == "credited"


def url_patterns(resolver=None, prefix: str = ""):
    """(route, view path) of every URL pattern, routes joined as Django's resolver joins them."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = URLResolver._join_route(prefix, str(pattern.pattern))
        if isinstance(pattern, URLResolver):
            yield from url_patterns(pattern, route)
        else:
            assert isinstance(pattern, URLPattern)
            callback = pattern.callback
            yield route, f"{callback.__module__}.{callback.__name__}"


def test_every_url_pattern_is_in_the_matrix():
    """A new endpoint without a row here fails this test: decide who may call it, then add the row."""
    routes = {route for route, view in url_patterns()
              if not route.startswith(UNCOVERED_PREFIXES) and view not in UNCOVERED_VIEWS}
    unresolved = []
    covered = set()
    for r in rows_in_force():
        try:
            covered.add(r.route)
        except Resolver404:
            unresolved.append(r.path)

    assert unresolved == [], "rows in MATRIX whose path is no URL of the portal"
    assert sorted(routes - covered) == [], "URL patterns without a row in MATRIX"


def test_bank_simulator_rows_follow_the_setting():
    """The simulator's pages exist exactly when BANK_SIMULATOR_ENABLED is on (never in production)."""
    simulator_routes = {route for route, _ in url_patterns() if route.startswith("bank-simulator/")}
    simulator_rows = [r for r in MATRIX if r.path.startswith("/bank-simulator/")]

    assert simulator_rows and all(r.setting == SIMULATOR for r in simulator_rows)
    if settings.BANK_SIMULATOR_ENABLED:
        assert simulator_routes == {r.route for r in simulator_rows}
    else:
        assert simulator_routes == set()


@pytest.mark.parametrize("role, path", [
    ("other_trader", "/api/v1/declarations/{other}/documents/{document}/download/"),
    ("other_trader", "/declarations/{other}/documents/{document}/"),
    ("trader", "/api/v1/declarations/{payable}/documents/{document}/download/"),
    ("trader", "/declarations/{payable}/documents/{document}/"),
])
def test_a_document_is_found_only_through_its_own_declaration(world, role, path):
    """A declaration the caller may see does not open another declaration's document: trader2 naming its own
    declaration with trader1's document id, or trader1 naming the wrong one of its own, get 404."""
    path = fill(path, world.placeholders())
    client = api_client_as(world, role) if path.startswith("/api/") else page_client_as(world, role)

    response = client.get(path)

    assert response.status_code == 404
    assert WATCHLISTED_PARTNER not in content_of(response) and b"%PDF" not in response.content


# --- The live-update WebSocket (customs_portal/routing.py) ---------------------------------------

# role -> the close code of a refused socket, or None when it is accepted (traders join their
# enterprise's group, customs staff the staff group: tests/security/test_trader_never_sees_risk.py).
SOCKET_MATRIX = {"anonymous": 4401, "other_trader": None, "trader": None, "officer": None, "risk_admin": None,
                 "gate": 4403, "bank_unsigned": 4401, "unverified_staff": 4403}
SOCKET_ROUTES = {"ws/declarations/"}


@pytest.mark.parametrize("role", ROLES)
def test_live_update_socket(world, role):
    """Who may open the live-update socket, through the routing the server runs (the session cookie, Channels'
    authentication, the consumer): people who see declarations; anonymous, the gate and customs staff whose
    session has not given the one-time code are refused."""
    headers = [(b"x-bank-signature", BOGUS_SIGNATURE.encode())] if role == "bank_unsigned" else []
    if role in world.sessions:
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={world.sessions[role]}".encode()))

    async def knock():
        socket = WebsocketCommunicator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)), "/ws/declarations/",
                                       headers=headers)
        connected, code = await socket.connect()
        if connected:
            await socket.disconnect()
        return connected, code

    connected, code = sockets_run(knock)

    expected = SOCKET_MATRIX[role]
    assert (connected, code) == ((True, None) if expected is None else (False, expected))


def test_every_websocket_route_is_in_the_matrix():
    """A new WebSocket route fails this test until SOCKET_MATRIX says who may open it."""
    assert {str(pattern.pattern) for pattern in websocket_urlpatterns} == SOCKET_ROUTES
