# Kept whole (about 600 lines): the population's plan (enterprises, goods, outcomes) and its replay
# through the services share the plan's types and the moved clock; split, neither half reads alone.
"""The demo history (issue 15, "Demo population"; docs/decisions.md, "Demo history").

`manage.py demo_history` gives a fresh install a past: about 30 enterprises of every compliance
level and age, each with a trader account, and a few thousand declarations registered over the
last days, assessed by the real engine (`risk_assess`), checked by officers, paid through the
payments services, released at the gate, selected for post-clearance audit, and a few audits
worked to the end. Then the nightly jobs run (late interest, `compliance_compute`), so every
level is computed from the enterprises' own record.

Everything goes through the services, as a person and the workers would have called them, under
a moved clock (`time_machine`): each event runs at its own moment of the past, in the order of
those moments, so that what an event sees (open work of an officer, the class's share of
audits, the exchange rate in force) is what it would have seen then. Events that would fall
after now are left undone: the last days' declarations are still in the queues.

The plan is drawn from a seeded random generator: the same seed, size and day give the same
population. (The engine's random draw is keyed with the installation's secret, so the random
selections may differ between installations with different keys.)

The automated assessment and the post-clearance selection are Celery tasks queued on commit;
the history calls the services those tasks call (`risk_assess`, `post_clearance_select`, both
idempotent) right after the step that queues them, and the command runs with Celery's eager mode
so that nothing is left in the broker for a worker to find.

This module is wiring (docs/architecture.md): it may call every app's services.
"""
import heapq
import io
import math
import multiprocessing
import random
import traceback
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TextIO

import time_machine
from celery import current_app
from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections, transaction
from django.utils import timezone
from pypdf import PdfWriter
from stdnum import iso6346
from stdnum.vn import mst

from customs_portal.accounts.models import ComplianceLevel, Enterprise, Role, User
from customs_portal.demo import selectors
from customs_portal.demo.services import DEMO_PASSWORD
from declarations.lifecycle import UNCLEARED, Action, Status
from declarations.models import Declaration, DocumentKind
from declarations.services.declarations import declaration_as_data, declaration_create, declaration_submit
from declarations.services.documents import document_upload
from declarations.services.gate import gate_release
from declarations.services.review import declaration_decide
from payments.banks import BANKS
from payments.services.payments import BankNotice, payment_credit, payment_start
from payments.tasks import late_interest_update_all
from post_clearance.lifecycle import AuditStatus
from post_clearance.models import Audit
from post_clearance.services.audits import LineCorrection, audit_close, audit_findings_record, audit_open
from post_clearance.services.selection import post_clearance_select
from reference.models import CustomsOffice, TariffLine
from reference.specialised import procedures_applicable
from risk.services.assessment import risk_assess
from risk.services.compliance import compliance_compute

SEED = 15
DEFAULT_DECLARATIONS = 2050
DEFAULT_DAYS = 90
# Unpaid declarations are registered at most this many days before the history's end (`end` is the day
# after today): the 15-day validity (declarations/services/limits.py) cancels none of them at the
# first beat after the history; it cancels them over the next days, as the law does.
UNPAID_WITHIN_DAYS = 14
DEFAULT_WORKERS = 2  # processes replaying the history: the machine's cores (docs/decisions.md, "Demo history")
# A database with this many registered declarations has a history of its own (real use): left alone.
HISTORY_MIN_DECLARATIONS = 500
TRADER1_TAX_CODE, TRADER2_TAX_CODE = "0109876500", "0318765402"
CURRENCIES = ("USD", "EUR", "JPY")
CENT = Decimal("0.01")


# --- The population's plan -------------------------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    """How an enterprise of a compliance class trades and errs (docs/decisions.md, "Demo history")."""

    level: str  # the level it had before levels were computed (as seed_demo types trader1's)
    count: int  # enterprises of the profile, the demo's own included
    age_days: tuple[int, int]
    weight: float  # share of the declarations, per enterprise
    exports: float
    permits: float  # share of specialised-management lines that carry their permit
    violations: float  # share of its declarations with a violation (rejection, discrepancy, late payment)
    overdue: int = 0  # declarations left unpaid
    violations_at_most: int | None = None  # medium: fewer than the 5 violations that make an enterprise low
    sensitive: float = 0.0  # tobacco or alcohol imports
    undervalued: float = 0.0  # a price far under the reference price


PROFILES: dict[str, Profile] = {
    "priority": Profile(ComplianceLevel.PRIORITY, 2, (3650, 7300), 1.4, 0.4, 1.0, 0.0),
    "high": Profile(ComplianceLevel.HIGH, 9, (1460, 5475), 1.0, 0.3, 0.97, 0.0),
    "medium": Profile(ComplianceLevel.MEDIUM, 8, (730, 3650), 1.1, 0.3, 0.8, 0.07, sensitive=0.02,
                      violations_at_most=4, undervalued=0.03),
    "low": Profile(ComplianceLevel.LOW, 5, (550, 2200), 1.5, 0.2, 0.5, 0.14, overdue=2, sensitive=0.08,
                   undervalued=0.11),
    "new": Profile(ComplianceLevel.NEW, 6, (30, 330), 1.2, 0.25, 0.5, 0.05, overdue=1, sensitive=0.05,
                   undervalued=0.06),
}

# Enterprise names (Vietnamese companies are named by kind, then a trade name) and their seats.
NAMES = ["Hoàng Phát", "Tân Á", "Phú Thịnh", "Đại Dương Xanh", "Việt Tiến", "Bình Minh", "Hưng Long", "An Khang",
         "Thành Công", "Kim Ngân", "Hải Âu", "Sông Hồng", "Phương Nam", "Đông Á", "Trường Sơn", "Nam Việt",
         "Lạc Hồng", "Thái Bình Dương", "Hòa Bình", "Vạn Xuân", "Cửu Long", "Ngọc Lan", "Mê Kông", "Sao Việt",
         "Thiên Phúc", "Bắc Hà", "Tây Đô", "Gia Long"]
KINDS = ["Công ty TNHH Thương mại", "Công ty Cổ phần Xuất nhập khẩu", "Công ty TNHH Sản xuất và Thương mại",
         "Công ty Cổ phần", "Công ty TNHH"]
REGIONS = {
    # region: (tax code prefix, seat, offices the enterprise declares at)
    "north": ("01", "Hà Nội", ("03CE", "03TG", "01B1", "18A1", "13BB")),
    "south": ("03", "TP. Hồ Chí Minh", ("02CI", "51CB", "02B1")),
    "centre": ("04", "Đà Nẵng", ("34CE", "03CE")),
}
# Office: (transport mode, Vietnamese port).
OFFICES = {
    "03CE": ("sea", "VNHPH"), "03TG": ("sea", "VNDVU"), "18A1": ("sea", "VNHPH"), "02CI": ("sea", "VNCLI"),
    "51CB": ("sea", "VNCMT"), "34CE": ("sea", "VNDAD"), "01B1": ("air", "VNHAN"), "02B1": ("air", "VNSGN"),
    "13BB": ("road", "VNLCA"),
}
# Foreign partners: (name, address, country, port by sea, airport, currency).
PARTNERS_IMPORT = [
    ("Shenzhen Huaxin Electronics Co., Ltd.", "Nanshan District, Shenzhen", "CN", "CNSHK", "CNCAN", "USD"),
    ("Ningbo Ocean Trading Co., Ltd.", "Beilun District, Ningbo", "CN", "CNNGB", "CNSHA", "USD"),
    ("Guangzhou Lihua Garments Co., Ltd.", "Baiyun District, Guangzhou", "CN", "CNNSA", "CNCAN", "USD"),
    ("Yunnan Border Trade Co., Ltd.", "Hekou, Yunnan", "CN", "CNKMG", "CNKMG", "USD"),
    ("Samil Industrial Co., Ltd.", "Haeundae-gu, Busan", "KR", "KRPUS", "KRINC", "USD"),
    ("Daehan Components Inc.", "Namdong-gu, Incheon", "KR", "KRINC", "KRINC", "USD"),
    ("Tokai Machinery Co., Ltd.", "Minato-ku, Nagoya", "JP", "JPNGO", "JPNRT", "JPY"),
    ("Siam Agro Export Co., Ltd.", "Khlong Toei, Bangkok", "TH", "THLCH", "THBKK", "USD"),
    ("Lion Gate Distribution Pte. Ltd.", "Jurong, Singapore", "SG", "SGSIN", "SGSIN", "USD"),
    ("Formosa Precision Co., Ltd.", "Qianzhen District, Kaohsiung", "TW", "TWKHH", "TWTPE", "USD"),
    ("Hanse Technik GmbH", "Hafencity, Hamburg", "DE", "DEHAM", "DEFRA", "EUR"),
    ("Pacific Fresh Produce LLC", "Long Beach, California", "US", "USLGB", "USLAX", "USD"),
]
PARTNERS_EXPORT = [
    ("Great Lakes Home Furnishings Inc.", "Chicago, Illinois", "US", "USLAX", "USLAX", "USD"),
    ("Kanto Foods Corporation", "Chuo-ku, Tokyo", "JP", "JPTYO", "JPNRT", "USD"),
    ("Nordsee Handel GmbH", "Bremerhaven", "DE", "DEBRV", "DEFRA", "EUR"),
    ("Hanbit Trading Co., Ltd.", "Jung-gu, Busan", "KR", "KRPUS", "KRINC", "USD"),
    ("Rotterdam Food Partners B.V.", "Rotterdam", "NL", "NLRTM", "NLAMS", "EUR"),
    ("Southern Cross Imports Pty Ltd", "Port Melbourne, Victoria", "AU", "AUMEL", "AUSYD", "USD"),
    ("Guangxi Dongxing Trading Co., Ltd.", "Nanning, Guangxi", "CN", "CNNNG", "CNNNG", "USD"),
]
WINE_PARTNER = ("Vins de Bordeaux Export SARL", "Quai des Chartrons, Bordeaux", "FR", "FRLEH", "FRPAR", "EUR")


@dataclass(frozen=True)
class Goods:
    """Goods of a tariff heading: the lines under `prefix`, their unit and price range (USD)."""

    prefix: str
    unit: str
    price: tuple[str, str]
    description: str
    reference: bool = False  # a reference price exists (risk/services/defaults.py): undervaluation can show


IMPORTS = [
    Goods("84713020", "PCE", ("330", "900"), "Laptop computers", reference=True),
    Goods("847160", "PCE", ("8", "40"), "Keyboards and mice"),
    Goods("85171300", "PCE", ("240", "700"), "Smartphones", reference=True),
    Goods("850440", "PCE", ("4", "60"), "Power adapters"),
    Goods("610910", "PCE", ("3.80", "7"), "Cotton T-shirts", reference=True),
    Goods("620462", "PCE", ("6", "18"), "Women's cotton trousers"),
    Goods("940360", "PCE", ("40", "250"), "Wooden furniture"),
    Goods("392690", "KGM", ("2", "9"), "Plastic articles"),
    Goods("730890", "KGM", ("1.20", "3"), "Steel structures"),
    Goods("731815", "KGM", ("1.50", "5"), "Steel bolts"),
    Goods("080510", "KGM", ("1.20", "1.80"), "Fresh oranges", reference=True),
    Goods("080810", "KGM", ("1", "2"), "Fresh apples"),
    Goods("401110", "PCE", ("35", "110"), "New car tyres"),
    Goods("870899", "KGM", ("4", "15"), "Motor vehicle parts"),
    Goods("330499", "KGM", ("15", "60"), "Cosmetic preparations"),
    Goods("210690", "KGM", ("4", "14"), "Food preparations"),
    Goods("841510", "PCE", ("220", "600"), "Air conditioners"),
    Goods("950300", "PCE", ("2", "15"), "Toys"),
    Goods("481910", "KGM", ("0.90", "1.80"), "Cartons"),
    Goods("300490", "KGM", ("40", "220"), "Medicaments"),
]
EXPORTS = [
    Goods("090111", "KGM", ("2.20", "4.50"), "Robusta coffee beans"),
    Goods("100630", "KGM", ("0.45", "0.70"), "Milled rice"),
    Goods("030462", "KGM", ("2.50", "4.50"), "Frozen pangasius fillets"),
    Goods("610910", "PCE", ("2.50", "6"), "Cotton T-shirts"),
    Goods("640399", "PR", ("12", "40"), "Leather footwear"),
    Goods("940360", "PCE", ("35", "200"), "Wooden furniture"),
    Goods("851762", "PCE", ("20", "150"), "Network equipment"),
    Goods("400122", "KGM", ("1.40", "1.90"), "Natural rubber"),
    Goods("080132", "KGM", ("5", "9"), "Cashew nuts, shelled"),
]
TOBACCO = Goods("24022090", "PCE", ("0.04", "0.07"), "Cigarettes containing tobacco")
WINE = Goods("220421", "LTR", ("4", "15"), "Wine in bottles")


@dataclass
class EnterprisePlan:
    tax_code: str
    name: str
    address: str
    established_on: date
    profile: str
    username: str
    region: str
    demo: bool = False  # trader1's and trader2's, made by seed_demo
    enterprise: Enterprise | None = None
    user: User | None = None


@dataclass
class DeclarationPlan:
    index: int
    owner: EnterprisePlan
    registered: datetime
    seed: str
    violation: bool = False
    overdue: bool = False
    declaration_id: int | None = None
    number: str = ""
    containers: list = field(default_factory=list)
    items: int = 1
    officer_id: int | None = None  # the officer it is assigned to, and its office (`History.next_after`)
    office: str = ""
    request_id: int | None = None  # the officers' request for documents
    paying: bool = False  # a payment is on its way

    def rng(self, step: str) -> random.Random:
        return random.Random(f"{self.seed}:{step}")


def _tax_code(rng: random.Random, prefix: str, used: set[str]) -> str:
    while True:
        base = f"{prefix}{rng.randrange(10**7):07d}"
        check = mst.calc_check_digit(base)
        code = base + check
        if len(check) == 1 and code not in used:
            used.add(code)
            return code


def demo_bank(tax_code: str) -> str:
    """The bank an enterprise pays through (the same one every time), the four largest banks more often;
    from its tax code, so that choosing it draws nothing from the history's random streams."""
    weighted = [bank.bic for index, bank in enumerate(BANKS) for _ in range(3 if index < 4 else 1)]
    return weighted[zlib.crc32(tax_code.encode()) % len(weighted)]


def enterprises_plan(*, rng: random.Random, today: date) -> list[EnterprisePlan]:
    """trader1's and trader2's enterprises (as seed_demo made them) and the others, by profile."""
    plans = [EnterprisePlan(TRADER1_TAX_CODE, "", "", date(2015, 3, 12), "high", "trader1", "north", demo=True),
             EnterprisePlan(TRADER2_TAX_CODE, "", "", today.replace(day=1), "new", "trader2", "south", demo=True)]
    used = {TRADER1_TAX_CODE, TRADER2_TAX_CODE}
    names = iter(NAMES)
    number = 3
    for key, profile in PROFILES.items():
        for _ in range(profile.count - sum(1 for p in plans if p.demo and p.profile == key)):
            region = rng.choice(list(REGIONS))
            prefix, seat, _offices = REGIONS[region]
            name = f"{rng.choice(KINDS)} {next(names)}"
            established = today - timedelta(days=rng.randint(*profile.age_days))
            street = f"Số {rng.randint(2, 250)} đường {rng.choice(['Lê Lợi', 'Trần Phú', 'Nguyễn Huệ', 'Hai Bà Trưng', 'Lý Thường Kiệt', 'Điện Biên Phủ'])}"
            plans.append(EnterprisePlan(_tax_code(rng, prefix, used), name, f"{street}, {seat}", established, key,
                                        f"trader{number}", region))
            number += 1
    return plans


def _working_moment(day: date, rng: random.Random) -> datetime:
    minutes = rng.randint(7 * 60 + 30, 17 * 60)
    return timezone.make_aware(datetime.combine(day, time(minutes // 60, minutes % 60, rng.randint(0, 59))))


def _in_office_hours(moment: datetime, rng: random.Random) -> datetime:
    """`moment`, or the next working morning when it falls at night or on a Sunday."""
    local = timezone.localtime(moment)
    if local.weekday() != 6 and time(7, 30) <= local.time() <= time(18, 0):
        return moment
    day = local.date() + timedelta(days=0 if local.time() < time(7, 30) else 1)
    if day.weekday() == 6:
        day += timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, time(7, 30))) + timedelta(minutes=rng.randint(0, 150))


def declarations_plan(*, enterprises: list[EnterprisePlan], count: int, start: date, end: date,
                      rng: random.Random, seed: int) -> list[DeclarationPlan]:
    """`count` declarations over the working days from `start` to `end` (excluded), shared by the
    enterprises by weight and by the days each existed; some are marked to err (profile)."""
    days = [start + timedelta(days=n) for n in range((end - start).days)]
    weights = {0: 1.0, 1: 1.05, 2: 1.0, 3: 1.05, 4: 1.1, 5: 0.55, 6: 0.12}  # Monday … Sunday

    def active(plan):
        return [day for day in days if day >= plan.established_on]

    actives = {plan.tax_code: active(plan) for plan in enterprises}
    shares = [PROFILES[plan.profile].weight * len(actives[plan.tax_code]) for plan in enterprises]
    owners = rng.choices(enterprises, weights=shares, k=count)
    # Every enterprise with days of activity files something; trader2, founded this month, a few.
    for plan in enterprises:
        missing = (3 if plan.demo else 1) - owners.count(plan)
        if actives[plan.tax_code] and missing > 0:
            owners.extend([plan] * missing)
    plans = []
    for owner in owners:
        mine = actives[owner.tax_code]
        if not mine:
            continue
        day = rng.choices(mine, weights=[weights[d.weekday()] for d in mine])[0]
        plans.append(DeclarationPlan(0, owner, _working_moment(day, rng), ""))
    plans.sort(key=lambda plan: (plan.registered, plan.owner.tax_code))
    for index, plan in enumerate(plans):
        plan.index, plan.seed = index, f"{seed}:{index}"
    for owner in enterprises:
        mine = [plan for plan in plans if plan.owner is owner]
        profile = PROFILES[owner.profile]
        erring = round(profile.violations * len(mine))
        if profile.violations_at_most is not None:
            erring = min(erring, profile.violations_at_most)
        for plan in rng.sample(mine, min(len(mine), erring)):
            plan.violation = True
        # Left unpaid (awaiting payment) only if registered within the last UNPAID_WITHIN_DAYS days: the
        # hourly beat cancels a declaration still awaiting payment 15 days after its registration
        # (declarations/services/limits.py), and a debt overdue more than 90 days would block the
        # enterprise's next registrations (registration_block.py). trader1's enterprise (high) never has any.
        recent = [plan for plan in mine if not plan.violation
                  and end - timedelta(days=UNPAID_WITHIN_DAYS) <= plan.registered.date() < end - timedelta(days=2)]
        for plan in rng.sample(recent, min(len(recent), profile.overdue)):
            plan.overdue = True
    return plans


# --- The declaration's content --------------------------------------------------------------------


class Catalogue:
    """The real tariff lines of the goods above (those the tariff taxes by itself: an MFN rate,
    no per-unit environmental tax), read once."""

    def __init__(self):
        goods = [*IMPORTS, *EXPORTS, TOBACCO, WINE]
        lines = TariffLine.objects.filter(mfn_rate__isnull=False, environmental_tax_per_unit__isnull=True).only(
            "hs_code", "specialised_procedures")
        by_prefix: dict[str, list] = {g.prefix: [] for g in goods}
        for line in lines.filter(hs_code__regex=r"^(" + "|".join(by_prefix) + ")").order_by("hs_code"):
            for prefix in by_prefix:
                if line.hs_code.startswith(prefix):
                    by_prefix[prefix].append(line)
        self.lines = {prefix: found for prefix, found in by_prefix.items() if found}

    def line(self, goods: Goods, rng: random.Random):
        return rng.choice(self.lines[goods.prefix])


AGENCIES = {
    "BNNPTNT": "Cục Bảo vệ thực vật / Cục Chăn nuôi và Thú y (Bộ Nông nghiệp và Môi trường)",
    "BNNMT": "Bộ Nông nghiệp và Môi trường",
    "BYT": "Cục Quản lý Dược / Cục An toàn thực phẩm (Bộ Y tế)",
    "BCT": "Bộ Công Thương",
    "BKHCN": "Tổng cục Tiêu chuẩn Đo lường Chất lượng (Bộ Khoa học và Công nghệ)",
    "BTTTT": "Cục Viễn thông (Bộ Khoa học và Công nghệ)",
    "BGTVT": "Cục Đăng kiểm Việt Nam",
    "BTNMT": "Bộ Nông nghiệp và Môi trường",
    "BCA": "Bộ Công an",
    "BQP": "Bộ Quốc phòng",
}


def permit_for(procedures: tuple[str, ...], rng: random.Random, issued: date) -> dict:
    """A permit as the national single window issues it for the first procedure of the line."""
    text = procedures[0]
    lowered = text.casefold()
    if "kiểm dịch" in lowered:
        kind = "quarantine"
    elif "chất lượng" in lowered or "hợp quy" in lowered or "kiểm tra" in lowered:
        kind = "quality"
    elif "phép" in lowered:
        kind = "licence"
    else:
        kind = "other"
    agency = next((name for code, name in AGENCIES.items() if code in text), "Cơ quan kiểm tra chuyên ngành")
    prefix = {"quarantine": "KD", "quality": "KTCL", "licence": "GP", "other": "VB"}[kind]
    return {"kind": kind, "number": f"{prefix}{issued:%y}/{rng.randrange(10**6):06d}", "agency": agency, "date": issued}


def _container(rng: random.Random) -> str:
    owner = rng.choice(["MSCU", "MAEU", "CMAU", "COSU", "OOLU", "HLXU", "ONEU", "EGLU"])
    base = f"{owner}{rng.randrange(10**6):06d}"
    return base + iso6346.calc_check_digit(base)


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def declaration_body(plan: DeclarationPlan, catalogue: Catalogue) -> dict:
    """The declaration as the API parses it (declarations.api.serializers.DeclarationWriteSerializer)."""
    rng = plan.rng("body")
    owner, profile = plan.owner, PROFILES[plan.owner.profile]
    day = timezone.localdate(plan.registered)
    exporting = rng.random() < profile.exports
    office = rng.choice(REGIONS[owner.region][2])
    mode, vn_port = OFFICES[office]
    goods_list = EXPORTS if exporting else IMPORTS
    sensitive = not exporting and rng.random() < profile.sensitive
    partner = rng.choice(PARTNERS_EXPORT if exporting else PARTNERS_IMPORT)
    if sensitive and rng.random() < 0.4:
        partner, chosen = WINE_PARTNER, [WINE]
    elif sensitive:
        chosen = [TOBACCO]
    else:
        chosen = rng.sample(goods_list, rng.choice([1, 1, 1, 2, 2, 3]))
    undervalued = not exporting and not sensitive and rng.random() < profile.undervalued
    if undervalued and not any(goods.reference for goods in chosen):  # under-valued where a reference price shows it
        chosen[0] = rng.choice([goods for goods in IMPORTS if goods.reference])
    if mode == "road":  # the border gate at Lào Cai: Chinese partners, by road from Kunming
        partner = ("Yunnan Border Trade Co., Ltd.", "Hekou, Yunnan", "CN", "CNKMG", "CNKMG", "USD")
        if exporting:
            partner = PARTNERS_EXPORT[-1]
    name, address, country, sea_port, airport, currency = partner
    foreign_port = airport if mode == "air" else sea_port
    rate = {"USD": Decimal("1"), "EUR": Decimal("0.92"), "JPY": Decimal("150")}[currency]
    items, total = [], Decimal("0")
    for goods in chosen:
        line = catalogue.line(goods, rng)
        low, high = (Decimal(p) for p in goods.price)
        price = low + (high - low) * Decimal(str(round(rng.random(), 4)))
        if undervalued and goods.reference:
            price = low * Decimal("0.5")
        price = (price * rate).quantize(Decimal("0.0001") if price * rate < 100 else CENT)
        value = Decimal(str(round(math.exp(rng.uniform(math.log(3000), math.log(60000))), 2))) * rate
        quantity = max(Decimal("1"), (value / price).quantize(Decimal("1")))
        if goods is TOBACCO:
            quantity = Decimal(rng.choice([50000, 100000, 200000]))
        item = {"hs_code": line.hs_code, "description": goods.description,
                "origin_country": "VN" if exporting else country, "quantity": quantity, "unit": goods.unit,
                "unit_price": price, "preference": "MFN", "certificate_of_origin": ""}
        procedures = procedures_applicable(line.specialised_procedures)  # as the engine reads it, exports too
        if procedures and rng.random() < profile.permits:
            item["permits"] = [permit_for(procedures, rng, day - timedelta(days=rng.randint(2, 40)))]
        items.append(item)
        total += _money(quantity * price)
    plan.items = len(items)
    incoterm = "FOB" if exporting or rng.random() < 0.6 else "CIF"
    freight = Decimal("0") if incoterm == "CIF" or exporting else _money(total * Decimal("0.04"))
    insurance = Decimal("0") if incoterm == "CIF" or exporting else _money(total * Decimal("0.003"))
    plan.containers = [_container(rng) for _ in range(rng.randint(1, 3))] if mode == "sea" else []
    transport = day + timedelta(days=rng.randint(1, 5)) if exporting else day - timedelta(days=rng.randint(0, 2))
    return {
        "direction": "export" if exporting else "import",
        "type_code": rng.choice(["B11", "B11", "E62"]) if exporting else rng.choice(["A11", "A11", "A12"]),
        "customs_office": office,
        "partner": {"name": name, "address": address, "country": country},
        "transport_mode": mode,
        "bill_of_lading": f"{rng.choice(['COSU', 'MAEU', 'ONEY', 'HLCU'])}{rng.randrange(10**8):08d}" if mode == "sea"
        else (f"{rng.randint(100, 999)}-{rng.randrange(10**8):08d}" if mode == "air" else f"LC{rng.randrange(10**6):06d}"),
        "vessel_flight": (f"{rng.choice(['COSCO', 'MAERSK', 'ONE', 'WAN HAI'])} V.{rng.randint(100, 999)}" if mode == "sea"
                          else f"{rng.choice(['VN', 'CX', 'KE', 'NH'])}{rng.randint(100, 999)}" if mode == "air" else ""),
        "port_of_loading": vn_port if exporting else foreign_port,
        "port_of_discharge": foreign_port if exporting else vn_port,
        "arrival_date": None if exporting else transport,
        "departure_date": transport if exporting else None,
        "packages": rng.randint(1, 120),
        "gross_weight_kg": Decimal(rng.randint(80, 24000)),
        "container_numbers": plan.containers,
        "invoice": {"number": f"INV-{day:%y%m}-{plan.index:05d}", "date": day - timedelta(days=rng.randint(3, 20)),
                    "currency": currency, "incoterm": incoterm, "total": total},
        "freight": freight,
        "insurance": insurance,
        "items": items,
    }


def _pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _queued_work_pending() -> bool:
    """Whether the task a service just queued on commit (assessment, post-clearance selection) has not
    run yet: it ran at once when the service committed and Celery is eager (the command); inside an
    outer transaction (a test) or with a real broker it has not, and the history calls its service.
    Both services are idempotent: calling them once more would change nothing, at the cost of a lock."""
    return transaction.get_connection().in_atomic_block or not current_app.conf.task_always_eager


# --- The replay -----------------------------------------------------------------------------------


@dataclass
class Cast:
    officers: dict[str, list[User]]  # office: its officers
    gate: User
    auditor: User
    staff: dict[int, User] = field(default_factory=dict)  # every officer, by id


class History:
    """Replays the plan's events in the order of their moments, each under the moved clock."""

    def __init__(self, *, plans: list[DeclarationPlan], cast: Cast, catalogue: Catalogue, now: datetime,
                 traveller: "time_machine.Coordinates"):
        self.plans, self.cast, self.catalogue, self.now, self.traveller = plans, cast, catalogue, now, traveller
        self.queue: list = []
        self.sequence = 0
        self.pdf = _pdf()
        self.counts: Counter = Counter()

    def at(self, moment: datetime, plan: DeclarationPlan, step: Callable) -> None:
        if moment < self.now - timedelta(minutes=5):  # the future is left to the users
            self.sequence += 1
            heapq.heappush(self.queue, (moment, self.sequence, plan, step))

    def run(self) -> None:
        for plan in self.plans:
            self.at(plan.registered, plan, self.lodge)
        while self.queue:
            moment, _seq, plan, step = heapq.heappop(self.queue)
            self.traveller.move_to(moment)
            step(plan, moment)

    # Each step: what happens to the declaration at `moment`, and what it leads to.

    def lodge(self, plan: DeclarationPlan, moment: datetime) -> None:
        user = plan.owner.user
        self.traveller.move_to(moment - timedelta(minutes=plan.rng("draft").randint(5, 90)))
        draft = declaration_create(user=user, data=declaration_body(plan, self.catalogue))
        self.traveller.move_to(moment)
        declaration = declaration_submit(declaration_id=draft.pk, user=user)
        plan.declaration_id, plan.number = declaration.pk, declaration.number
        if _queued_work_pending():
            risk_assess(declaration_id=declaration.pk)  # what the queued task does
        self.counts["lodged"] += 1
        self.next_after(plan, moment)

    def next_after(self, plan: DeclarationPlan, moment: datetime) -> None:
        """Schedule what follows the declaration's state. Traders pay when they register (the taxes are
        due on the registration date, whatever the channel): those that err, days later."""
        status, amount_due, plan.officer_id, plan.office = Declaration.objects.filter(pk=plan.declaration_id).values_list(
            "status", "amount_due", "assigned_to_id", "customs_office_id").get()
        rng = plan.rng(f"after:{status}")
        if status in UNCLEARED and amount_due > 0 and not plan.paying and not plan.overdue:
            plan.paying = True
            if plan.violation:
                self.at(_in_office_hours(moment + timedelta(days=rng.randint(3, 9)), rng), plan, self.pay)
            else:  # e-payment, the same day
                end_of_day = timezone.make_aware(datetime.combine(timezone.localdate(moment), time(23, 30)))
                self.at(min(moment + timedelta(minutes=rng.randint(5, 240)), end_of_day), plan, self.pay)
        if status == Status.CLEARED:
            self.at(moment + timedelta(hours=rng.uniform(1.5, 30)), plan, self.leave)
        elif status == Status.UNDER_REVIEW:
            self.at(_in_office_hours(moment + timedelta(minutes=rng.randint(20, 300)), rng), plan, self.review)
        elif status == Status.UNDER_INSPECTION:
            self.at(_in_office_hours(moment + timedelta(hours=rng.uniform(2, 26)), rng), plan, self.inspect)

    def officer_of(self, plan: DeclarationPlan) -> User:
        """The officer the declaration was assigned to, or the office's supervisor when nobody was free."""
        return self.cast.staff.get(plan.officer_id) or self.cast.officers[plan.office][0]

    def review(self, plan: DeclarationPlan, moment: datetime) -> None:
        rng = plan.rng("review")
        officer = self.officer_of(plan)
        if rng.random() < 0.3:
            event = declaration_decide(declaration_id=plan.declaration_id, officer=officer, action=Action.REQUEST_DOCUMENTS,
                               note=rng.choice(["Bổ sung hợp đồng mua bán và danh sách đóng gói.",
                                                "Bổ sung chứng từ chứng minh trị giá (hợp đồng, chứng từ thanh toán).",
                                                "Bổ sung giấy phép / kết quả kiểm tra chuyên ngành."]))
            plan.request_id = event.data["document_request"]
            self.counts["document_requests"] += 1
            self.at(_in_office_hours(moment + timedelta(hours=rng.uniform(2, 22)), rng), plan, self.supply)
            return
        self.decide(plan, officer, moment, rng)

    def supply(self, plan: DeclarationPlan, moment: datetime) -> None:
        upload = SimpleUploadedFile(f"chung-tu-{plan.number}.pdf", self.pdf, content_type="application/pdf")
        document_upload(declaration_id=plan.declaration_id, user=plan.owner.user, kind=DocumentKind.CONTRACT,
                        uploaded=upload, answers_request=plan.request_id)
        rng = plan.rng("supplied")
        self.at(_in_office_hours(moment + timedelta(hours=rng.uniform(0.5, 6)), rng), plan, self.decide_step)

    def decide_step(self, plan: DeclarationPlan, moment: datetime) -> None:
        self.decide(plan, self.officer_of(plan), moment, plan.rng("decide"))

    def decide(self, plan: DeclarationPlan, officer: User, moment: datetime, rng: random.Random) -> None:
        """Documents accepted (cleared), or, for a declaration that errs, now and then rejected."""
        if plan.violation and rng.random() < 0.4:
            declaration_decide(declaration_id=plan.declaration_id, officer=officer, action=Action.REJECT,
                               reason="Hồ sơ không phù hợp với hàng hóa khai báo; doanh nghiệp khai lại tờ khai mới.")
            plan.violation = False  # the violation is the rejection
            self.counts["rejected"] += 1
            return
        declaration_decide(declaration_id=plan.declaration_id, officer=officer, action=Action.RELEASE,
                           note="Hồ sơ phù hợp.")
        self.next_after(plan, moment)

    def inspect(self, plan: DeclarationPlan, moment: datetime) -> None:
        rng = plan.rng("inspect")
        officer = self.officer_of(plan)
        discrepancy = plan.violation and rng.random() < 0.3
        items = None
        if discrepancy:  # more goods than declared on the first line: the taxes are assessed again
            declared = Declaration.objects.get(pk=plan.declaration_id)
            items = declaration_as_data(declaration=declared)["items"]
            items[0] = {**items[0], "quantity": (items[0]["quantity"] * Decimal("1.25")).quantize(Decimal("1"))}
            items[0].pop("line_value", None)
            plan.violation = False  # the violation is the discrepancy
            self.counts["discrepancies"] += 1
        declaration_decide(declaration_id=plan.declaration_id, officer=officer, action=Action.RECORD_INSPECTION,
                           discrepancy=discrepancy, items=items,
                           findings="Số lượng thực tế dòng hàng 1 nhiều hơn khai báo." if discrepancy else "")
        self.counts["inspections"] += 1
        self.traveller.move_to(moment + timedelta(minutes=rng.randint(20, 90)))
        declaration_decide(declaration_id=plan.declaration_id, officer=officer, action=Action.RELEASE,
                           note="Kiểm tra thực tế xong." if not discrepancy else "Đã tính lại thuế theo thực tế.")
        self.next_after(plan, moment + timedelta(minutes=90))

    def pay(self, plan: DeclarationPlan, moment: datetime) -> None:
        plan.paying = False
        status, amount_due = Declaration.objects.filter(pk=plan.declaration_id).values_list("status", "amount_due").get()
        if status not in UNCLEARED or amount_due <= 0:  # rejected meanwhile
            return
        payment = payment_start(declaration_id=plan.declaration_id, user=plan.owner.user, bank=demo_bank(plan.owner.tax_code))
        self.traveller.move_to(moment + timedelta(seconds=40))  # the bank's callback
        payment_credit(notice=BankNotice(reference=payment.reference, amount=payment.amount, status="success",
                                         bank_transaction_id=f"DEMO{plan.index:06d}{payment.pk:08d}"))
        if plan.violation:
            plan.violation = False  # the violation is the late payment
        self.counts["payments"] += 1
        if status == Status.ASSESSED:  # cleared by the payment
            self.next_after(plan, moment)

    def leave(self, plan: DeclarationPlan, moment: datetime) -> None:
        gate_release(user=self.cast.gate, scanned=plan.number, container_numbers=plan.containers)
        if _queued_work_pending():
            post_clearance_select(declaration_id=plan.declaration_id)  # what the queued task does
        self.counts["released"] += 1


# --- The replay in worker processes, one group of compliance classes each ------------------------


def partitions_plan(plans: list[DeclarationPlan], *, levels: dict[str, str], workers: int) -> list[list[DeclarationPlan]]:
    """The plans split into at most `workers` groups by the compliance class of their enterprise
    (`levels`: tax code to level, as the engine reads it when assessing): every class whole in one
    group, so that its cap window (`ClassSelectivity` lock, `SelectivityCounter`) and its post-clearance
    `ClassPolicy` and share are read and written by one process only, in the order of its own moments.
    Classes go, the busiest first, to the group with the fewest declarations; each group keeps the
    plans' time order. Deterministic: the same plans give the same groups."""
    by_level: dict[str, list[DeclarationPlan]] = {}
    for plan in plans:
        by_level.setdefault(levels[plan.owner.tax_code], []).append(plan)
    groups: list[list[DeclarationPlan]] = [[] for _ in range(max(1, min(workers, len(by_level))))]
    for level in sorted(by_level, key=lambda level: (-len(by_level[level]), level)):
        min(groups, key=len).extend(by_level[level])
    for group in groups:
        group.sort(key=lambda plan: plan.index)
    return [group for group in groups if group]


def replay(plans: list[DeclarationPlan], *, cast: Cast, catalogue: Catalogue, now: datetime,
           beginning: datetime) -> Counter:
    """The plans' events in this process, under its own moved clock."""
    selectors.commits_unflushed()
    with time_machine.travel(beginning, tick=True) as traveller:
        history = History(plans=plans, cast=cast, catalogue=catalogue, now=now, traveller=traveller)
        history.run()
    return history.counts


def _replay_worker(plans: list[DeclarationPlan], cast: Cast, catalogue: Catalogue, now: datetime,
                   beginning: datetime, sender) -> None:
    """A forked worker: replays its group on a connection of its own and sends back what the parent
    needs (the declarations made, the counts), or the error."""
    try:
        counts = replay(plans, cast=cast, catalogue=catalogue, now=now, beginning=beginning)
        sender.send(("done", {plan.index: (plan.declaration_id, plan.number) for plan in plans}, counts))
    except BaseException:  # whatever failed, the parent reports it
        sender.send(("failed", traceback.format_exc(), None))
    finally:
        connections.close_all()
        sender.close()


def replay_partitioned(groups: list[list[DeclarationPlan]], *, cast: Cast, catalogue: Catalogue, now: datetime,
                       beginning: datetime) -> Counter:
    """Each group replayed in a forked process (the machine's cores work at once: one process alone
    waits for PostgreSQL half of its time). The connections are closed before forking, so that no
    process shares the parent's socket; each worker opens its own."""
    connections.close_all()
    context = multiprocessing.get_context("fork")
    running = []
    for group in groups:
        receiver, sender = context.Pipe(duplex=False)
        process = context.Process(target=_replay_worker, args=(group, cast, catalogue, now, beginning, sender),
                                  name=f"demo-history-{len(running) + 1}")
        process.start()
        sender.close()
        running.append((process, receiver, group))
    counts: Counter = Counter()
    failures = []
    for process, receiver, group in running:
        try:
            outcome, made, group_counts = receiver.recv()
        except EOFError:
            outcome, made, group_counts = "failed", f"{process.name} ended without a word", None
        process.join()
        if outcome != "done":
            failures.append(made)
            continue
        for plan in group:
            plan.declaration_id, plan.number = made[plan.index]
        counts.update(group_counts)
    if failures:
        raise RuntimeError("The demo history's replay failed:\n" + "\n".join(failures))
    return counts


# --- Setting up and finishing ----------------------------------------------------------------------


OFFICER_NAMES = [("Nguyễn", "Văn An"), ("Trần", "Thị Bình"), ("Lê", "Minh Châu"), ("Phạm", "Quốc Dũng"),
                 ("Hoàng", "Thu Hà"), ("Vũ", "Đức Hải"), ("Đặng", "Thanh Hương"), ("Bùi", "Văn Khoa"),
                 ("Đỗ", "Thị Lan"), ("Hồ", "Ngọc Minh"), ("Ngô", "Văn Nam"), ("Dương", "Thị Oanh"),
                 ("Lý", "Hoàng Phúc"), ("Phan", "Thị Quỳnh"), ("Trịnh", "Văn Sơn"), ("Mai", "Thị Trang"),
                 ("Đinh", "Công Tuấn"), ("Tạ", "Thị Uyên")]


def _user(username: str, password: str, **fields) -> User:
    user, _created = User.objects.update_or_create(username=username, defaults={"is_active": True, **fields})
    if user.password != password:
        User.objects.filter(pk=user.pk).update(password=password)
    return user


def cast_create(*, password: str) -> Cast:
    """Two officers per office of the history (the first a supervisor), an auditor, the demo's gate."""
    officers: dict[str, list[User]] = {}
    names = iter(OFFICER_NAMES)
    for code in OFFICES:
        office = CustomsOffice.objects.get(pk=code)
        staff = []
        for n in (1, 2):
            last, first = next(names)
            officer = _user(f"officer_{code.lower()}_{n}", password, role=Role.OFFICER, first_name=first,
                            last_name=last, is_supervisor=n == 1, all_offices=False)
            officer.offices.add(office)
            staff.append(officer)
        officers[code] = staff
    auditor = _user("auditor_pc1", password, role=Role.OFFICER, first_name="Thị Vân", last_name="Cao",
                    is_post_clearance_auditor=True, all_offices=True)
    gate = User.objects.get(username="gate1")
    staff = {officer.pk: officer for officer in User.objects.filter(role=Role.OFFICER)}
    return Cast(officers=officers, gate=gate, auditor=auditor, staff=staff)


def enterprises_create(plans: list[EnterprisePlan], *, password: str) -> None:
    for plan in plans:
        if plan.demo:
            plan.enterprise = Enterprise.objects.get(tax_code=plan.tax_code)
            plan.user = User.objects.get(username=plan.username)
            continue
        plan.enterprise, _ = Enterprise.objects.update_or_create(tax_code=plan.tax_code, defaults={
            "name": plan.name, "address": plan.address, "established_on": plan.established_on,
            "compliance_level": PROFILES[plan.profile].level})
        plan.user = _user(plan.username, password, role=Role.TRADER, enterprise=plan.enterprise)


def audits_work(*, plans: list[DeclarationPlan], auditor: User, now: datetime, traveller, rng: random.Random) -> Counter:
    """The auditor opens about half the selected audits a few days after their selection, and closes
    two: one with findings that raise an additional assessment (later paid), one without."""
    counts: Counter = Counter()
    owners = {plan.declaration_id: plan for plan in plans if plan.declaration_id}
    audits = list(Audit.objects.filter(status=AuditStatus.SELECTED, declaration_id__in=list(owners))
                  .select_related("declaration").order_by("selected_at", "id"))
    opened = []
    for audit in audits:
        moment = audit.selected_at + timedelta(days=rng.uniform(2, 12))
        if rng.random() < 0.6 and moment < now - timedelta(hours=1):
            traveller.move_to(moment)
            audit_open(audit_id=audit.pk, user=auditor)
            opened.append((moment, audit))
            counts["opened"] += 1

    def erring(item):  # the enterprises that err most first, then imports with taxes
        plan = owners[item[1].declaration_id]
        return (["low", "new", "medium", "high", "priority"].index(plan.owner.profile),
                item[1].declaration.direction != "import", item[0])

    closing = sorted(opened, key=erring)
    with_findings = [item for item in closing if item[1].declaration.direction == "import"
                     and item[1].declaration.tax_total > 0][:1]
    without = [item for item in reversed(closing) if item not in with_findings][:1]
    for moment, audit in [*with_findings, *without]:
        found = (moment, audit) in with_findings
        moment = moment + timedelta(days=rng.uniform(1, 6))
        if moment > now - timedelta(minutes=30):
            continue
        traveller.move_to(moment)
        if found:
            item = audit.declaration.items.order_by("line_no").first()
            audit_findings_record(audit_id=audit.pk, user=auditor, discrepancy=True,
                                  findings="Trị giá khai báo thấp hơn trị giá giao dịch thực tế (chứng từ thanh toán "
                                           "qua ngân hàng): xác định lại trị giá hải quan dòng hàng 1.",
                                  lines=[LineCorrection(line_no=item.line_no,
                                                        customs_value=(item.customs_value * Decimal("1.35")).quantize(CENT))])
        else:
            audit_findings_record(audit_id=audit.pk, user=auditor, discrepancy=False, lines=[],
                                  findings="Chứng từ, sổ sách kế toán phù hợp với tờ khai.")
        traveller.move_to(moment + timedelta(hours=2))
        audit_close(audit_id=audit.pk, user=auditor)
        counts["closed_with_findings" if found else "closed"] += 1
        if found:  # the trader pays the additional assessment a week later
            plan = owners[audit.declaration_id]
            paid_at = moment + timedelta(days=7)
            if paid_at < now - timedelta(minutes=30):
                traveller.move_to(paid_at)
                payment = payment_start(declaration_id=audit.declaration_id, user=plan.owner.user,
                                        bank=demo_bank(plan.owner.tax_code))
                traveller.move_to(paid_at + timedelta(seconds=40))
                payment_credit(notice=BankNotice(reference=payment.reference, amount=payment.amount, status="success",
                                                 bank_transaction_id=f"DEMOPC{payment.pk:08d}"))
                counts["additional_paid"] += 1
    return counts


@dataclass
class Outcome:
    created: bool
    message: str
    figures: dict = field(default_factory=dict)
    counts: Counter = field(default_factory=Counter)
    start: date | None = None
    end: date | None = None
    trader1_green: tuple[int, int] = (0, 0)


def history_tax_codes(seed: int = SEED) -> list[str]:
    """The tax codes of the enterprises the history creates (trader1's and trader2's aside)."""
    plans = enterprises_plan(rng=random.Random(seed), today=date(2000, 1, 1))
    return [plan.tax_code for plan in plans if not plan.demo]


def history_present(*, seed: int = SEED) -> bool:
    return (selectors.history_declarations_count(tax_codes=history_tax_codes(seed)) > 0
            or selectors.registered_declarations_count() >= HISTORY_MIN_DECLARATIONS)


def demo_history_create(*, declarations: int = DEFAULT_DECLARATIONS, days: int = DEFAULT_DAYS, seed: int = SEED,
                        workers: int = DEFAULT_WORKERS, stdout: TextIO | None = None) -> Outcome:
    """Create the history, unless the database has one (then nothing is done). Needs the reference
    data and seed_demo's accounts."""
    if history_present(seed=seed):
        return Outcome(False, "The database already has a history: nothing done.")
    if not User.objects.filter(username__in=["trader1", "trader2", "gate1"]).count() == 3:
        raise LookupError("Run `manage.py seed_demo` first: the history needs its accounts.")
    now = timezone.now()
    today = timezone.localdate(now)
    first_rates = selectors.first_day_with_rates(currencies=CURRENCIES)
    if first_rates is None:
        raise LookupError("The exchange rates are missing: run `manage.py load_reference_data` first.")
    start = max(today - timedelta(days=days), first_rates)
    rng = random.Random(seed)
    password = make_password(DEMO_PASSWORD)  # hashed once: the demo accounts share the known password anyway
    enterprises = enterprises_plan(rng=rng, today=today)
    enterprises_create(enterprises, password=password)
    cast = cast_create(password=password)
    plans = declarations_plan(enterprises=enterprises, count=declarations, start=start, end=today + timedelta(days=1),
                              rng=rng, seed=seed)
    catalogue = Catalogue()
    levels = dict(Enterprise.objects.filter(tax_code__in=[e.tax_code for e in enterprises])
                  .values_list("tax_code", "compliance_level"))
    groups = partitions_plan(plans, levels=levels, workers=workers)
    beginning = timezone.make_aware(datetime.combine(start, time(7)))
    if len(groups) > 1 and not transaction.get_connection().in_atomic_block:
        counts = replay_partitioned(groups, cast=cast, catalogue=catalogue, now=now, beginning=beginning)
    else:  # one process (or inside a test's transaction, which other processes could not see)
        counts = replay(plans, cast=cast, catalogue=catalogue, now=now, beginning=beginning)
    selectors.commits_unflushed()
    with time_machine.travel(beginning, tick=True) as traveller:
        counts.update(audits_work(plans=plans, auditor=cast.auditor, now=now, traveller=traveller, rng=rng))
    # The nightly jobs, today: late interest of what is unpaid, then every enterprise's level.
    late_interest_update_all(on=today)
    compliance_compute(on=today)
    outcome = Outcome(True, "Demo history created.", figures=selectors.population_figures(), counts=counts,
                      start=start, end=today, trader1_green=selectors.enterprise_green_share(tax_code=TRADER1_TAX_CODE))
    if stdout is not None:
        summary_write(outcome, stdout)
    return outcome


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f} %" if whole else "-"


def summary_write(outcome: Outcome, stdout: TextIO) -> None:
    figures = outcome.figures
    channels = figures["channels"]
    assessed = sum(channels.values())
    lines = [
        f"History from {outcome.start:%d/%m/%Y} to {outcome.end:%d/%m/%Y}: {figures['declarations']} declarations registered.",
        "Enterprises per compliance level: " + ", ".join(f"{level} {n}" for level, n in figures["levels"].items()),
        "Channels: " + ", ".join(f"{name} {channels.get(name, 0)} ({_share(channels.get(name, 0), assessed)})"
                                 for name in ("green", "yellow", "red")),
        f"Document requests: {outcome.counts['document_requests']}; rejected: {figures['rejected']}.",
        f"Physical inspections: {figures['inspections']}, with a discrepancy: {figures['discrepancies']} "
        f"({_share(figures['discrepancies'], figures['inspections'])}).",
        f"Paid: {figures['payments']} payments, {figures['tax_paid']:,} VND of taxes and {figures['interest_paid']:,} VND "
        f"of late interest.",
        f"Unpaid: {figures['unpaid']} declarations owe {figures['unpaid_due']:,} VND ({figures['unpaid_late']} with late "
        f"interest).",
        f"Released at the gate: {figures['released']}. Statuses: "
        + ", ".join(f"{status} {n}" for status, n in sorted(figures["statuses"].items())),
        "Post-clearance audits: " + (", ".join(f"{status} {n}" for status, n in sorted(figures["audits"].items())) or "none")
        + f"; additional assessments {figures['additional']} ({figures['additional_tax']:,} VND, "
        f"{figures['additional_settled']} settled).",
        f"trader1's enterprise: green {outcome.trader1_green[0]} of {outcome.trader1_green[1]} "
        f"({_share(*outcome.trader1_green)}).",
    ]
    for line in lines:
        stdout.write(line + "\n")
