"""The world the security tests act on, and how each role knocks on the door.

Everything in the world is made by the portal's own services, so the objects are in the state
the rightful role needs to act (a yellow declaration in the review queue for the officer, a
cleared one for the gate, a payable one for the trader): a 403 or 404 is then the answer of
authorization, never of the state. tests/security/conftest.py builds it once per module.
"""
import functools
import re
import zlib
from dataclasses import dataclass
from datetime import timedelta
from unittest import mock

from asgiref.sync import async_to_sync
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client, override_settings
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from customs_portal.accounts.models import Role, User
from customs_portal.accounts.services import api_token_issue
from declarations.models import Declaration, Document, DocumentRequest, Notice, NoticeKind
from declarations.services.amendments import declaration_amend
from declarations.services.declarations import declaration_as_data, declaration_create
from declarations.services.documents import document_upload
from declarations.services.gate import gate_release
from declarations.services.notices import notice_send
from declarations.services.review import declaration_decide
from payments.models import Payment, ReconciliationReport
from payments.services.payments import BankNotice, payment_credit, payment_start
from payments.services.reconciliation import reconciliation_run
from post_clearance.models import Audit, AuditRule, ClassPolicy
from post_clearance.services.audits import audit_findings_record
from post_clearance.services.selection import post_clearance_select
from post_clearance.services.selection_settings import audit_rule_create
from reference.models import CustomsOffice
from risk.learned_models import RiskModelVersion
from risk.models import (
    BacktestRun,
    ReferencePrice,
    RiskChange,
    RiskRule,
    WatchlistedPartner,
)
from risk.services.assessment import risk_assess
from risk.services.backtest import backtest_execute, backtest_start
from risk.services.changes import risk_rule_change_preview
from risk.services.reference_prices import reference_price_set
from risk.services.risk_model import risk_model_activate
from risk.services.rules import risk_rule_create
from risk.services.watchlists import watchlisted_partner_add
from tests.factories import (
    PDF,
    UserFactory,
    gate_user_create,
    model_version_ready,
    officer_create,
    parsed,
    random_selection_off,
    registered,
    risk_admin_create,
    trader1_create,
    trader2_create,
)
from tests.payloads import import_body, plain_import_body

# from the bank (an X-Bank-Signature header) without the valid signature of its body.
# "unverified_staff" is an officer (with an authenticator) who logged in with the password only,
# while STAFF_SECOND_FACTOR_REQUIRED is on: a session that has not given the one-time code, and a
# token issued without it (before the setting was turned on). The officer and the risk admin
# have given it: their sessions are verified and their tokens were issued with the code.
ROLES = ("anonymous", "other_trader", "trader", "officer", "risk_admin", "gate", "bank_unsigned", "unverified_staff")
PEOPLE = ("other_trader", "trader", "officer", "risk_admin", "gate", "unverified_staff")
VERIFIED_STAFF = ("officer", "risk_admin")
BOGUS_SIGNATURE = "0" * 64

# Strings that say "risk" in the world. Distinctive on purpose: finding one in a trader's page
# can only mean the risk explanation leaked.
WATCHLISTED_PARTNER = "Harbor Lantern Trading Ltd"
WATCHLIST_REASON = "Tip-off ZETA-7: invoices far below market prices"
RULE_WATCHLIST = {
    "name": "Watchlisted supplier ZETA-7",
    "description": "The foreign partner is on the ZETA-7 watchlist.",
    "conditions": [{"field": "partner.on_watchlist", "op": "eq", "value": True}],
    "score": 23, "min_channel": "yellow",
}
RULE_INACTIVE = {
    "name": "Motorcycles from new enterprises OMEGA-2",
    "conditions": [{"field": "items.hs_code", "op": "startswith", "value": "8711"}, {"field": "enterprise.age_days", "op": "lt", "value": 365}],
    "score": 40, "min_channel": "yellow",
}
RULE_KEYBOARDS = {
    "name": "Keyboards under reference price KAPPA-3",
    "description": "Computer keyboards (HS 847160) are often undervalued (KAPPA-3).",
    "conditions": [{"field": "items.hs_code", "op": "startswith", "value": "847160"}],
    "score": 17, "min_channel": "",
}
AMENDMENT_REASON = "Pallet count corrected per tally sheet TS-5531"
# trader2's declaration: its partner and invoice must never reach trader1 either.
OTHER_PARTNER = {"name": "Orion Pacific Exporters Pte", "address": "8 Marina Boulevard, Singapore", "country": "SG"}
OTHER_INVOICE_NUMBER = "SAOMAI-INV-4471"

# Business tables: a denied request must leave every row of these as it was. Reference data
# (tariff, code lists, offices, exchange rates) has no endpoint that writes it and is large.
REFERENCE_MODELS = {"HSSection", "HSCode", "TariffLine", "Country", "Currency", "Unit", "Port", "CustomsOffice",
                    "ExchangeRate"}
SNAPSHOT_APPS = ("accounts", "declarations", "risk", "payments", "post_clearance", "bank_simulator", "django_otp", "otp_totp")


@dataclass
class World:
    users: dict  # role -> User, for the people of ROLES
    tokens: dict  # role -> API token
    sessions: dict  # role -> key of a signed-in browser session
    draft: Declaration  # trader1's draft: to edit and submit
    review: Declaration  # trader1's, yellow, under review, both rules fired, a document request answered
    amending: Declaration  # trader1's, yellow, under review, with the trader's amendment request pending
    payable: Declaration  # trader1's, green, assessed, taxes owed, a payment pending at the bank
    paid: Declaration  # trader1's, paid and cleared: the gate may release it
    other: Declaration  # trader2's, assessed
    document: Document
    document_request: DocumentRequest
    pending: Payment
    credited: Payment
    rule_watchlist: RiskRule
    rule_keyboards: RiskRule
    rule_inactive: RiskRule  # created inactive, as every new rule
    change: RiskChange  # the activation of rule_inactive, previewed (done) and awaiting confirmation
    partner: WatchlistedPartner
    price: ReferencePrice
    backtest: BacktestRun
    report: ReconciliationReport
    audit: Audit  # post-clearance audit of trader1's released declaration, open, findings recorded
    audit_rule: AuditRule  # a post-clearance audit rule, active (made after the audit's selection)
    model_version: RiskModelVersion  # version 1 of the learned model, active before version 2 (active now)
    notice: Notice  # trader1's enterprise's, about its draft (the law's time limits)

    def placeholders(self) -> dict:
        """What the matrix's paths and bodies may name in braces: {review}, {paid_number}, …"""
        return {
            "draft": self.draft.pk, "review": self.review.pk, "amending": self.amending.pk, "payable": self.payable.pk, "paid": self.paid.pk,
            "paid_number": self.paid.number, "other": self.other.pk, "other_number": self.other.number,
            "document": self.document.pk, "payment": self.credited.pk,
            "pending_reference": self.pending.reference, "pending_amount": int(self.pending.amount),
            "rule": self.rule_watchlist.pk, "inactive_rule": self.rule_inactive.pk, "change": self.change.pk,
            "partner": self.partner.pk, "price": self.price.pk,
            "backtest": self.backtest.pk, "tax_code": self.review.enterprise.tax_code,
            "report_date": self.report.statement_date.isoformat(), "audit": self.audit.pk,
            "audit_rule": self.audit_rule.pk, "model_version": self.model_version.number, "notice": self.notice.pk,
            "officer": self.users["officer"].pk, "today": timezone.localdate().isoformat(),
            "month_ago": (timezone.localdate() - timedelta(days=30)).isoformat(),
        }

    def trader1_strings(self) -> list[str]:
        """What identifies trader1's enterprise and declarations: trader2 must never read any of it."""
        enterprise = self.review.enterprise
        return [enterprise.name, enterprise.tax_code, enterprise.address, self.review.number, self.payable.number,
                self.paid.number, self.amending.number, WATCHLISTED_PARTNER, AMENDMENT_REASON]

    def trader2_strings(self) -> list[str]:
        enterprise = self.other.enterprise
        return [enterprise.name, enterprise.tax_code, enterprise.address, self.other.number, OTHER_PARTNER["name"],
                OTHER_PARTNER["address"], OTHER_INVOICE_NUMBER]


def assessed(user, body) -> Declaration:
    """Registered and assessed now (the queued assessment runs only after a commit)."""
    declaration = registered(user, body)
    risk_assess(declaration_id=declaration.pk)
    return Declaration.objects.select_related("enterprise").get(pk=declaration.pk)


def session_of(user, *, device: TOTPDevice | None = None) -> str:
    """A signed-in session, made once: every test's pages reuse it (a login costs more than most requests).
    With `device`, the session has given that device's one-time code, as the second-factor page records it."""
    client = Client()
    client.force_login(user)
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def unverified_officer_create():
    """An officer for every office, like officer1, who will log in without the one-time code."""
    return UserFactory(username="officer2", role=Role.OFFICER, all_offices=True,
                       offices=list(CustomsOffice.objects.all()))


def world_build() -> World:
    users = {"trader": trader1_create(), "other_trader": trader2_create(), "officer": officer_create(),
             "risk_admin": risk_admin_create(), "gate": gate_user_create(),
             "unverified_staff": unverified_officer_create()}
    devices = {role: TOTPDevice.objects.create(user=users[role], name="phone", confirmed=True)
               for role in (*VERIFIED_STAFF, "unverified_staff")}
    tokens = {role: api_token_issue(user=user, second_factor=role in VERIFIED_STAFF)[1] for role, user in users.items()}
    sessions = {role: session_of(user, device=devices[role] if role in VERIFIED_STAFF else None)
                for role, user in users.items()}
    trader, officer, admin = users["trader"], users["officer"], users["risk_admin"]
    officer.is_supervisor = True  # may reassign review work (POST .../assign/)
    officer.save(update_fields=["is_supervisor"])
    random_selection_off()

    partner = watchlisted_partner_add(user=admin, name=WATCHLISTED_PARTNER, country="CN", reason=WATCHLIST_REASON)
    rule_watchlist = risk_rule_create(user=admin, data={**RULE_WATCHLIST, "active": True})
    rule_keyboards = risk_rule_create(user=admin, data={**RULE_KEYBOARDS, "active": True})
    price = reference_price_set(user=admin, hs_code="8471", unit="PCE", price_vnd="5000000", note="computers")
    rule_inactive = risk_rule_create(user=admin, data=dict(RULE_INACTIVE))

    review = assessed(trader, plain_import_body(
        partner={"name": WATCHLISTED_PARTNER, "address": "12 Futian Road, Shenzhen", "country": "CN"}))
    assert (review.status, review.channel) == ("under_review", "yellow")
    declaration_decide(declaration_id=review.pk, officer=officer, action="request_documents",
                       note="Send the certificate of origin, form E.")
    document_request = DocumentRequest.objects.get(declaration=review)
    document = document_upload(declaration_id=review.pk, user=trader, kind="certificate_of_origin",
                               uploaded=SimpleUploadedFile("co-form-e.pdf", PDF), answers_request=document_request.pk)

    amending = assessed(trader, plain_import_body(
        partner={"name": WATCHLISTED_PARTNER, "address": "12 Futian Road, Shenzhen", "country": "CN"}))
    amended = declaration_as_data(declaration=amending)
    amended["packages"] += 1
    amending = declaration_amend(declaration=amending, user=trader, data=amended, reason=AMENDMENT_REASON)
    assert (amending.status, amending.amendment_request.status) == ("under_review", "pending")

    draft = declaration_create(user=trader, data=parsed(plain_import_body()))
    payable = assessed(trader, plain_import_body())
    assert (payable.status, payable.channel, payable.payment_status) == ("assessed", "green", "unpaid")
    pending = payment_start(declaration_id=payable.pk, user=trader)
    paid = assessed(trader, plain_import_body())
    started = payment_start(declaration_id=paid.pk, user=trader)
    _, credited = payment_credit(notice=BankNotice(started.reference, started.amount, "success", "SB-WORLD-0001"))
    paid.refresh_from_db()
    assert paid.status == "cleared"

    # Released and audited after clearance; the matrix's officer is also a post-clearance auditor.
    audited = assessed(trader, plain_import_body())
    started = payment_start(declaration_id=audited.pk, user=trader)
    payment_credit(notice=BankNotice(started.reference, started.amount, "success", "SB-WORLD-0002"))
    gate_release(user=users["gate"], scanned=Declaration.objects.get(pk=audited.pk).number, container_numbers=[])
    User.objects.filter(pk=officer.pk).update(is_post_clearance_auditor=True)
    officer.is_post_clearance_auditor = True
    ClassPolicy.objects.filter(compliance_level=audited.enterprise.compliance_level).update(random_rate=1, cap_rate=1)
    post_clearance_select(declaration_id=audited.pk)
    audit = Audit.objects.get(declaration=audited)
    audit_findings_record(audit_id=audit.pk, user=officer, findings="Invoices agree with the bank transfers.",
                          discrepancy=False, lines=[])

    other_body = import_body(partner=OTHER_PARTNER)
    other_body["invoice"] = {**other_body["invoice"], "number": OTHER_INVOICE_NUMBER}
    other = assessed(users["other_trader"], other_body)

    today = timezone.localdate()
    backtest = backtest_start(user=admin, rules=[rule_watchlist.pk], date_from=today - timedelta(days=30), date_to=today)
    change = risk_rule_change_preview(rule=rule_inactive, user=admin, data={"active": True})
    backtest_execute(run_id=change.preview_id)
    report = reconciliation_run(statement_date=today - timedelta(days=1), content=None, source="bank",
                                error="The bank did not answer.")
    audit_rule = audit_rule_create(user=admin, data={"name_en": "Cars from new enterprises", "active": True, "conditions": [
        {"field": "items.hs_code", "op": "startswith", "value": "8703"}, {"field": "enterprise.age_days", "op": "lt", "value": 365}]})
    # Learned model versions without an artifact (declarations assessed here are not scored by them).
    model_version = model_version_ready(1, created_by=admin)
    risk_model_activate(version_id=model_version.pk, user=admin)
    risk_model_activate(version_id=model_version_ready(2, created_by=admin).pk, user=admin)
    model_version.refresh_from_db()
    notice = notice_send(declaration=draft, kind=NoticeKind.DRAFT_EXPIRING,
                         params={"pk": draft.pk, "expires_at": (timezone.now() + timedelta(days=7)).isoformat()})
    return World(users=users, tokens=tokens, sessions=sessions, draft=draft, review=review, amending=amending, payable=payable,
                 paid=paid, other=other, document=document, document_request=document_request, pending=pending,
                 credited=credited, rule_watchlist=rule_watchlist, rule_keyboards=rule_keyboards,
                 rule_inactive=rule_inactive, change=change, partner=partner,
                 price=price, backtest=backtest, report=report, audit=audit, audit_rule=audit_rule, notice=notice,
                 model_version=model_version)


def address_for(case_id: str) -> str:
    """A client address of its own per test case.

    Anonymous API requests are rate-limited per address (120 a minute, counted in Redis across
    test runs); the matrix sends more than that, and a 429 would hide the answer under test.
    """
    n = zlib.crc32(case_id.encode())
    return f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"


def api_client_as(world: World, role: str, *, address: str = "127.0.0.1", via: str = "token") -> APIClient:
    """The API as integrators call it: with the user's token (or, `via="session"`, as the browser's scripts
    call it: with the signed-in session); anonymous and the unsigned bank with neither."""
    client = APIClient(REMOTE_ADDR=address)
    if role in PEOPLE and via == "token":
        client.credentials(HTTP_AUTHORIZATION=f"Token {world.tokens[role]}")
    elif role in PEOPLE:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    return client


def page_client_as(world: World, role: str, *, address: str = "127.0.0.1", language: str = "en") -> Client:
    """The browser: a signed-in session for people, none for anonymous and the unsigned bank."""
    client = Client(REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE=language)
    if role in PEOPLE:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    return client


@functools.cache
def snapshot_tables() -> list[tuple[str, str]]:
    """(table, primary key column) of every business table."""
    tables = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label in SNAPSHOT_APPS and model.__name__ not in REFERENCE_MODELS and model._meta.managed:
            tables.append((model._meta.db_table, model._meta.pk.column))
    return sorted(set(tables))


def database_snapshot() -> dict[str, str]:
    """An md5 digest of every business table, row by row in key order: equal digests, nothing changed."""
    parts = [
        f"SELECT '{table}', (SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t.\"{pk}\"), '')) FROM \"{table}\" t)"
        for table, pk in snapshot_tables()
    ]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts))
        return dict(cursor.fetchall())


UPLOAD = object()  # in a body: a fresh PDF upload in each request
HISTORY_UPLOAD = object()  # a fresh CSV of outside history (the KCS data set's format), two rows
HISTORY_CSV = (
    "Declaration ID,Date,Office ID,Process Type,Import Type,Import Use,Payment Type,Mode of Transport,Declarant ID,"
    "Importer ID,Seller ID,Courier ID,HS6 Code,Country of Departure,Country of Origin,Tax Rate,Tax Type,"
    "Country of Origin Indicator,Net Mass,Item Price,Fraud,Critical Fraud\n"
    "M0000001,2020-01-02,30,B,11,21,11,10,DEC0001,IMP0001,SEL0001,,440890,BE,BE,0.0,FEU1,G,108.0,372254.4,0,0\n"
    "M0000002,2020-01-03,40,B,11,21,11,40,DEC0002,IMP0002,,,690722,CN,CN,8.0,A,Y,11352.0,375751.2,1,2\n"
).encode()
ITEMS_UPLOAD = object()  # a fresh CSV of one goods line, for a draft's import of lines
ITEMS_CSV = "hs_code,description,origin_country,quantity,unit,unit_price\n84716030,Keyboards,CN,200,PCE,12.5\n".encode()
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def fill(value, names: dict):
    """The body or path with the world's values in place of {placeholders} ("{rule}" alone keeps its type)."""
    if value is UPLOAD:
        return SimpleUploadedFile("packing-list.pdf", PDF, content_type="application/pdf")
    if value is ITEMS_UPLOAD:
        return SimpleUploadedFile("lines.csv", ITEMS_CSV, content_type="text/csv")
    if value is HISTORY_UPLOAD:
        return SimpleUploadedFile("history.csv", HISTORY_CSV, content_type="text/csv")
    if isinstance(value, str):
        whole = PLACEHOLDER.fullmatch(value)
        if whole:
            return names[whole[1]]
        return PLACEHOLDER.sub(lambda match: str(names[match[1]]), value)
    if isinstance(value, dict):
        return {key: fill(item, names) for key, item in value.items()}
    if isinstance(value, list):
        return [fill(item, names) for item in value]
    return value


IN_MEMORY_LAYER = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


def sockets_run(scenario):
    """Run `scenario` (a coroutine function driving WebSocket consumers) from a synchronous test.

    The test settings put the channel layer in Redis; here it is in memory, for this test alone.
    And the consumer closes "old" database connections around each message it handles, which in
    a test would close the connection holding the test's transaction: channels' own test
    communicator turns that off while it sends and receives, but a group message is handled
    whenever it arrives, so it stays off for the whole scenario.
    """
    with (override_settings(CHANNEL_LAYERS=IN_MEMORY_LAYER),
          mock.patch("channels.db.close_old_connections", lambda: None)):
        return async_to_sync(scenario)()
