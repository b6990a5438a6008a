"""Every figure of the statistics equals a direct count over the raw tables (customs_statistics/selectors/reports.py
against an oracle written here from the declarations, assessments, audit trail, document requests,
inspections and payments through the ORM): on a demo history, then after random transitions,
amendments, cancellations and payments caught up by an incremental refresh — which must also leave
exactly the rows a full rebuild derives."""
import math
import random
from collections import Counter, defaultdict
from datetime import datetime, time, timedelta
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from customs_portal.accounts.models import Role, User
from customs_portal.audit.models import AuditEvent
from customs_statistics.access import GROUP_BY, UNASSESSED, StatisticsQuery
from customs_statistics.models import DayCell, DeclarationFact, ModelCell, PaymentCell, RuleCell
from customs_statistics.selectors import reports
from customs_statistics.selectors.reports import REPORTS, channel_mix, hit_rates, release_times, revenue, workload
from customs_statistics.services.refresh import statistics_refresh
from declarations.lifecycle import Action, Status
from declarations.models import Declaration, DeclarationChange, DocumentRequest, InspectionResult
from declarations.services.amendments import declaration_amend
from declarations.services.declarations import declaration_as_data
from declarations.services.gate import gate_release
from declarations.services.review import declaration_cancel, declaration_decide
from payments.models import Payment, PaymentStatus
from payments.services.payments import BankNotice, payment_credit, payment_start
from risk.models import Assessment

pytestmark = pytest.mark.django_db

TAXES = ("import_duty", "export_duty", "special_consumption_tax", "environmental_tax", "vat")
DURATIONS = ("to_assessment", "to_clearance", "trader_held", "customs_held", "to_release")


@pytest.fixture(scope="module")
def history(django_db_setup, django_db_blocker, tmp_path_factory):
    """seed_demo and a small demo history, once for the module, rolled back at its end."""
    media = tmp_path_factory.mktemp("media")
    yesterday = timezone.localdate() - timedelta(days=1)
    evening = timezone.make_aware(datetime.combine(yesterday, time(20)))
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=str(media)):
        with transaction.atomic():
            with time_machine.travel(evening, tick=True):
                call_command("seed_demo", force=True, stdout=StringIO())
                call_command("demo_history", "--declarations", "90", "--days", "20", "--force", stdout=StringIO())
            yield
            transaction.set_rollback(True)


# --- The oracle ------------------------------------------------------------------------------------

def _seconds(later, earlier) -> int | None:
    return None if later is None else math.floor((later - earlier).total_seconds())


def _trader_held(declaration: Declaration, events: list[AuditEvent]) -> int | None:
    if declaration.cleared_at is None:
        return None
    cleared, assessed = declaration.cleared_at, declaration.assessed_at
    intervals = []
    for request in DocumentRequest.objects.filter(declaration=declaration):
        start = max(request.created_at, assessed)
        end = min(request.answered_at or cleared, cleared)
        if end > start:
            intervals.append((start, end))
    held = timedelta()
    for start, end in _union(intervals):
        held += end - start
    total = math.floor(held.total_seconds()) if intervals else 0
    entries = [e.created_at for e in events if e.to_status == Status.ASSESSED and e.from_status != Status.ASSESSED
               and e.created_at <= cleared]
    if entries:
        total += math.floor((cleared - max(entries)).total_seconds())
    return total


def _union(intervals):
    merged = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def oracle() -> list[dict]:
    """One dict per registered declaration, computed from the raw tables."""
    rows = []
    for d in Declaration.objects.filter(registered_at__isnull=False).order_by("pk"):
        events = list(AuditEvent.objects.filter(declaration_id=d.pk).order_by("created_at", "pk"))
        last = Assessment.objects.filter(declaration=d).order_by("-pk").first()
        selectivity = (last.thresholds or {}).get("selectivity", {}) if last else {}
        inspections = list(InspectionResult.objects.filter(declaration=d))
        checked = d.channel in ("yellow", "red")
        concluded = checked and (d.status in (Status.CLEARED, Status.RELEASED, Status.ASSESSED, Status.REJECTED)
                                 or bool(inspections))
        found = checked and (d.status == Status.REJECTED or any(i.discrepancy for i in inspections))
        held = _trader_held(d, events)
        to_clearance = _seconds(d.cleared_at, d.registered_at)
        credited = Payment.objects.filter(declaration=d, status=PaymentStatus.CREDITED)
        rules = set(Assessment.objects.filter(declaration=d, channel__in=("yellow", "red"))
                    .exclude(rule_versions=None).values_list("rule_versions__rule_id", flat=True))
        rows.append({
            "id": d.pk, "day": timezone.localdate(d.registered_at), "office": d.customs_office_id,
            "enterprise": d.enterprise_id, "status": d.status, "channel": d.channel or "unassessed",
            "class": selectivity.get("level", ""), "random": bool(last and last.random_selection),
            "to_assessment": _seconds(d.assessed_at, d.registered_at), "to_clearance": to_clearance,
            "trader_held": held, "customs_held": None if to_clearance is None else to_clearance - held,
            "to_release": _seconds(d.released_at, d.registered_at),
            "checked": checked, "concluded": concluded, "found": found, "rules": rules,
            "physical": checked and (d.channel == "red" or bool(inspections)),
            "taxes": {name: int(getattr(d, name)) for name in TAXES}, "tax_total": int(d.tax_total),
            "amount_due": int(d.amount_due),
            "payments": [(timezone.localdate(p.credited_at), {k: int(Decimal(v)) for k, v in p.breakdown.items()},
                          int(p.applied_interest), p.bank) for p in credited],
        })
    return rows


def percentile_disc(values: list[int], fraction: float) -> int | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(math.ceil(fraction * len(ordered)) - 1, 0)]


def query(report: str, **fields) -> StatisticsQuery:
    days = [row["day"] for row in oracle_rows_cache]
    fields.setdefault("date_from", min(days))
    fields.setdefault("date_to", max(days))
    return StatisticsQuery(report=report, **fields)


oracle_rows_cache: list[dict] = []


def assert_exact(rows: list[dict]) -> None:
    oracle_rows_cache[:] = rows
    days = sorted({row["day"] for row in rows})
    middle = days[len(days) // 2]

    # Release times per channel over the whole period, and over the second half.
    for date_from in (days[0], middle):
        body = release_times(query("release-times", date_from=date_from, group_by="channel"))
        counted = [row for row in rows if row["day"] >= date_from]
        assert body["all"]["declarations"] == len(counted)
        by_channel = defaultdict(list)
        for row in counted:
            by_channel[row["channel"]].append(row)
        assert {g["key"]: g["declarations"] for g in body["groups"]} == {k: len(v) for k, v in by_channel.items()}
        for group in body["groups"]:
            members = by_channel[group["key"]]
            for name in DURATIONS:
                values = [row[name] for row in members if row[name] is not None]
                figure = group["durations"][name]
                assert figure["count"] == len(values), (group["key"], name)
                assert figure["median_seconds"] == percentile_disc(values, 0.5), (group["key"], name)
                assert figure["p90_seconds"] == percentile_disc(values, 0.9), (group["key"], name)

    # Channel mix per compliance class and per office.
    for group_by, key in (("class", "class"), ("office", "office")):
        body = channel_mix(query("channel-mix", group_by=group_by))
        expected = defaultdict(lambda: defaultdict(int))
        for row in rows:
            expected[row[key]][row["channel"]] += 1
            expected[row[key]]["total"] += 1
        for group in body["groups"]:
            assert {k: v for k, v in group["counts"].items() if v} == dict(expected[group["key"]]), group["key"]
        assert body["counts"]["total"] == len(rows)
        assert body["random"]["yellow"] == sum(1 for r in rows if r["random"] and r["channel"] == "yellow")

    # A trader's own channel mix.
    enterprise = rows[0]["enterprise"]
    own = [row for row in rows if row["enterprise"] == enterprise]
    body = channel_mix(query("channel-mix", enterprise_id=enterprise))
    assert body["counts"]["total"] == len(own)
    assert body["counts"]["yellow"] == sum(1 for r in own if r["channel"] == "yellow")

    # Hit rates.
    body = hit_rates(query("hit-rates"))
    concluded = [row for row in rows if row["concluded"]]
    assert body["all"]["checked"] == len(concluded)
    assert body["all"]["found"] == sum(1 for r in concluded if r["found"])
    assert body["physical"]["checked"] == sum(1 for r in concluded if r["physical"])
    assert body["random_selection"]["checked"] == sum(1 for r in concluded if r["random"])
    assert body["random_selection"]["found"] == sum(1 for r in concluded if r["random"] and r["found"])
    assert body["physical"]["found"] == sum(1 for r in concluded if r["physical"] and r["found"])
    assert body["documentary"]["found"] == sum(1 for r in concluded if not r["physical"] and r["found"])
    by_rule = defaultdict(lambda: [0, 0])
    for row in concluded:
        for rule in row["rules"]:
            by_rule[rule][0] += 1
            by_rule[rule][1] += row["found"]
    assert by_rule, "the demo history selects by rule"
    assert {r["rule"]: [r["checked"], r["found"]] for r in body["rules"]} == dict(by_rule)

    # Revenue: assessed by registration day, paid by credit day, overdue now.
    body = revenue(query("revenue", group_by="office"))
    owed = [row for row in rows if row["status"] not in (Status.CANCELLED, Status.REJECTED)]
    assert body["assessed"]["total"] == sum(row["tax_total"] for row in owed)
    for name in TAXES:
        assert body["assessed"][name] == sum(row["taxes"][name] for row in owed), name
    paid = [p for row in rows for p in row["payments"] if days[0] <= p[0] <= days[-1]]
    assert body["paid"]["payments"] == len(paid)
    assert body["paid"]["vat"] == sum(p[1].get("vat", 0) for p in paid)
    assert body["paid"]["late_interest"] == sum(p[2] for p in paid)
    by_bank = defaultdict(lambda: [0, 0])
    for _day, breakdown, interest, bank in paid:
        by_bank[bank][0] += 1
        by_bank[bank][1] += sum(breakdown.get(name, 0) for name in TAXES) + interest
    assert len(by_bank) > 1, "the demo history pays through several banks"
    assert {row["key"]: [row["payments"], row["total"]] for row in body["paid_by_bank"]} == dict(by_bank)
    payer = next(row["enterprise"] for row in rows if any(days[0] <= p[0] <= days[-1] for p in row["payments"]))
    own = [p for row in rows if row["enterprise"] == payer for p in row["payments"] if days[0] <= p[0] <= days[-1]]
    mine = revenue(query("revenue", enterprise_id=payer))  # from the payments themselves, not the cells
    assert {row["key"]: row["payments"] for row in mine["paid_by_bank"]} == dict(Counter(p[3] for p in own))
    by_office = revenue(query("revenue", enterprise_id=payer, group_by="office"))
    assert sum(group["paid"]["payments"] for group in by_office["groups"]) == len(own) == mine["paid"]["payments"]
    today = timezone.localdate()
    overdue = [row for row in owed if row["amount_due"] > 0 and row["day"] < today]
    assert body["overdue"] == {"declarations": len(overdue), "amount": sum(row["amount_due"] for row in overdue)}

    # Workload: open work now, per office.
    body = workload(query("workload"))
    open_now = Declaration.objects.filter(status__in=(Status.UNDER_REVIEW, Status.UNDER_INSPECTION))
    assert body["open"]["total"] == open_now.count()
    per_office = defaultdict(int)
    for office in open_now.values_list("customs_office_id", flat=True):
        per_office[office] += 1
    assert {row["key"]: row["total"] for row in body["offices"]} == dict(per_office)


def _snapshot() -> dict:
    def rows(model, order):
        return [tuple(r) for r in model.objects.order_by(*order).values_list()]
    facts = [tuple(r) for r in DeclarationFact.objects.order_by("declaration_id").values_list()]
    day = ["registered_on", "days", "office", "channel", "direction", "transport_mode", "compliance_class"]
    cells = [r[1:] for r in rows(DayCell, day)]
    return {"facts": facts, "cells": [tuple(bytes(v) if isinstance(v, memoryview) else v for v in c) for c in cells],
            "rules": [r[1:] for r in rows(RuleCell, [*day, "rule"])],
            "models": [r[1:] for r in rows(ModelCell, [*day, "model_version", "model_band"])],
            "payments": [r[1:] for r in rows(PaymentCell, ["paid_on", "office", "direction", "transport_mode", "channel",
                                                           "compliance_class", "bank"])]}


def _random_transitions(rng: random.Random) -> dict:
    """Move open declarations on through the services, as officers, traders and the gate would."""
    done = defaultdict(int)
    gate = User.objects.filter(role=Role.GATE).first()
    officer = User.objects.filter(role=Role.OFFICER, all_offices=True).first()
    for declaration in Declaration.objects.filter(status=Status.UNDER_REVIEW).order_by("pk"):
        action = rng.choice([Action.RELEASE, Action.REJECT])
        declaration_decide(declaration_id=declaration.pk, officer=declaration.assigned_to or officer, action=action,
                           reason="Kiểm tra ngẫu nhiên." if action == Action.REJECT else "",
                           note="Hồ sơ phù hợp." if action == Action.RELEASE else "")
        done[str(action)] += 1
    trader_of = {user.enterprise_id: user for user in User.objects.filter(role=Role.TRADER)}
    awaiting = list(Declaration.objects.filter(status=Status.ASSESSED, amount_due__gt=0).order_by("pk"))
    for declaration in awaiting[: len(awaiting) // 2 + 1]:
        payment = payment_start(declaration_id=declaration.pk, user=trader_of[declaration.enterprise_id])
        payment_credit(notice=BankNotice(reference=payment.reference, amount=payment.amount, status="success",
                                         bank_transaction_id=f"T{payment.pk:010d}"))
        done["paid"] += 1
    for declaration in Declaration.objects.filter(status=Status.CLEARED).order_by("pk")[:5]:
        gate_release(user=gate, scanned=declaration.number, container_numbers=list(declaration.container_numbers or []))
        done["released"] += 1
    awaiting = list(Declaration.objects.filter(status=Status.ASSESSED).order_by("pk"))
    rng.shuffle(awaiting)
    for declaration in awaiting[:2]:
        declaration_cancel(declaration_id=declaration.pk, user=trader_of[declaration.enterprise_id])
        done["cancelled"] += 1
    for declaration in awaiting[2:4]:
        body = declaration_as_data(declaration=declaration)
        body["items"][0]["description"] = f'{body["items"][0]["description"]} (khai bổ sung)'
        declaration_amend(declaration=declaration, user=trader_of[declaration.enterprise_id], data=body,
                          reason="Sửa mô tả hàng hóa.")
        done["amended"] += 1
    return done


def test_every_figure_equals_a_direct_count_before_and_after_changes(history):
    statistics_refresh(rebuild=True)
    assert not DeclarationChange.objects.exists()
    assert_exact(oracle())

    with time_machine.travel(timezone.now() + timedelta(hours=1), tick=True):
        done = _random_transitions(random.Random(17))
    assert done["paid"] and (done["release"] or done["reject"]) and done["cancelled"]
    changed = set(DeclarationChange.objects.values_list("declaration_id", flat=True))
    assert changed
    assert statistics_refresh().declarations == len(changed)
    assert not DeclarationChange.objects.exists()
    assert_exact(oracle())

    incremental = _snapshot()
    statistics_refresh(rebuild=True)
    assert _snapshot() == incremental


def test_the_day_cells_answer_exactly_as_the_facts(history, monkeypatch):
    """Each report over the cells (no enterprise named, no grouping by enterprise or HS chapter) equals the
    same report over the facts, for every grouping and filter the cells keep — over whole weeks and
    the days around them (a period starting mid-week), and over days only."""
    statistics_refresh(rebuild=True)
    with time_machine.travel(timezone.now() + timedelta(hours=1), tick=True):
        _random_transitions(random.Random(18))
    statistics_refresh()
    fact = DeclarationFact.objects.exclude(compliance_class="").order_by("declaration_id").first()
    days = DeclarationFact.objects.order_by("registered_on").values_list("registered_on", flat=True)
    first = days.first() - timedelta(days=3 if days.first().weekday() < 3 else 0)
    period = {"date_from": first + timedelta(days=(2 - first.weekday()) % 7), "date_to": days.last()}  # a Wednesday
    assert period["date_to"] - period["date_from"] > timedelta(days=14), "two whole weeks at least"
    assert DayCell.objects.filter(days=7, registered_on__gte=period["date_from"]).exists()
    filters = [{}, {"direction": fact.direction}, {"channel": "yellow"}, {"channel": UNASSESSED},
               {"compliance_class": fact.compliance_class}, {"offices": (fact.office_id,)},
               {"transport_mode": fact.transport_mode}, {"date_from": days.last() - timedelta(days=2)}]
    compared = 0
    for report, function in REPORTS.items():
        if report == "workload":
            continue
        for group_by in (None, *GROUP_BY[report]):
            if group_by in ("enterprise", "hs_chapter"):
                continue
            for extra in filters:
                asked = StatisticsQuery(report=report, group_by=group_by, **{**period, **extra})
                assert reports._cells_answer(asked, group_by)
                from_cells = function(asked)
                with monkeypatch.context() as patched:
                    patched.setattr(reports, "_cells_answer", lambda query, group_by: False)
                    from_facts = function(asked)
                assert from_cells == from_facts, (report, group_by, extra)
                compared += 1
    assert compared == len(filters) * (7 + 5 + 1 + 6)


def test_a_refresh_with_nothing_changed_recomputes_nothing(history):
    statistics_refresh(rebuild=True)
    state = statistics_refresh()
    assert state.declarations == 0


def test_a_change_record_rolled_back_with_its_transition_leaves_the_figures_alone(history):
    statistics_refresh(rebuild=True)
    before = _snapshot()
    declaration = Declaration.objects.filter(status=Status.ASSESSED).first()
    trader = User.objects.get(role=Role.TRADER, enterprise_id=declaration.enterprise_id)
    with pytest.raises(RuntimeError), transaction.atomic():
        declaration_cancel(declaration_id=declaration.pk, user=trader)
        raise RuntimeError("the request fails after the transition")
    assert statistics_refresh().declarations == 0
    assert _snapshot() == before

