"""Builders of test data: factory_boy factories for the accounts, and declarations, documents and
requests for documents built through the portal's own services (so they are in the state those
services leave them in)."""
import functools
import io
from datetime import date, timedelta
from decimal import Decimal

import factory
import lightgbm
import numpy
from django.utils import timezone
from PIL import Image
from pypdf import PdfWriter
from stdnum.vn import mst

from customs_portal.accounts.models import ComplianceLevel, Enterprise, Role, User
from declarations.api.serializers import DeclarationWriteSerializer
from declarations.models import Declaration, DocumentRequest
from declarations.services.declarations import declaration_as_data, declaration_create, declaration_submit
from payments.services.payments import BankNotice, payment_credit, payment_start
from reference.models import CustomsOffice
from risk.learned.artifact import ModelArtifact
from risk.learned.features import FEATURE_NAMES, FeatureState
from risk.learned.training import DEFAULT_PARAMETERS
from risk.learned_models import RiskModelVersion
from risk.models import ClassSelectivity, RiskSettings
from risk.selectivity_models import DEFAULT_CLASS_SELECTIVITY
from risk.services.assessment import risk_assess
from tests.payloads import import_body, plain_import_body


def tax_code_for(n: int) -> str:
    """The n-th test tax code: province prefix 08, then n+1 on six digits, a free digit, the check digit.

    The free (ninth) digit has weight 3 in the checksum, so of its values 0 and 1 at most
    one gives no valid check digit (a remainder of 0); the code for n is unique because
    its first eight digits are.
    """
    for free_digit in "01":
        base = f"08{n + 1:06d}{free_digit}"
        check_digit = mst.calc_check_digit(base)
        if len(check_digit) == 1:
            return base + check_digit
    raise AssertionError("unreachable: free digits 0 and 1 cannot both lack a check digit")


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise
        django_get_or_create = ("tax_code",)

    tax_code = factory.Sequence(tax_code_for)
    name = factory.Sequence(lambda n: f"Công ty TNHH Thử nghiệm {n}")
    address = "Hà Nội"
    established_on = date(2018, 1, 15)
    compliance_level = ComplianceLevel.MEDIUM


class UserFactory(factory.django.DjangoModelFactory):
    """A trader of a new enterprise by default; pass `role=` for customs staff (no enterprise)."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("demo12345")
    role = Role.TRADER
    enterprise = factory.Maybe(
        factory.LazyAttribute(lambda user: user.role == Role.TRADER),
        yes_declaration=factory.SubFactory(EnterpriseFactory),
        no_declaration=None,
    )
    all_offices = False

    @factory.post_generation
    def offices(self, create, extracted, **kwargs):
        if create and extracted:
            self.offices.set(extracted)


# The suite's cast (tests/conftest.py makes fixtures of them). Plain functions too, so that a
# module-scoped fixture can build the same users once for many tests (tests/security/conftest.py).
# Each is idempotent: the factories get or create by username and tax code.


def trader1_create() -> User:
    """The trader of Công ty TNHH Thương mại Minh Anh (0109876500), an established, compliant enterprise."""
    enterprise = EnterpriseFactory(
        tax_code="0109876500",
        name="Công ty TNHH Thương mại Minh Anh",
        address="Số 18 phố Láng Hạ, phường Thành Công, quận Ba Đình, Hà Nội",
        established_on=date(2015, 3, 12),
        compliance_level=ComplianceLevel.HIGH,
    )
    return UserFactory(username="trader1", role=Role.TRADER, enterprise=enterprise)


def trader2_create() -> User:
    """The trader of Công ty Cổ phần Xuất nhập khẩu Sao Mai (0318765402), founded this month."""
    enterprise = EnterpriseFactory(
        tax_code="0318765402",
        name="Công ty Cổ phần Xuất nhập khẩu Sao Mai",
        address="Số 45 đường Nguyễn Thị Minh Khai, phường Bến Nghé, quận 1, TP. Hồ Chí Minh",
        established_on=timezone.localdate().replace(day=1),
        compliance_level=ComplianceLevel.NEW,
    )
    return UserFactory(username="trader2", role=Role.TRADER, enterprise=enterprise)


def officer_create() -> User:
    """A customs officer working for every office."""
    return UserFactory(
        username="officer1", role=Role.OFFICER, all_offices=True, offices=list(CustomsOffice.objects.all())
    )


def risk_admin_create() -> User:
    return UserFactory(username="riskadmin", role=Role.RISK_ADMIN)


def gate_user_create() -> User:
    return UserFactory(username="gate1", role=Role.GATE)


# Declarations, built from API bodies (tests/payloads.py) through the services.

CIGARETTES = {"hs_code": "24022090", "description": "Cigarettes containing tobacco", "origin_country": "ID",
              "quantity": "10000", "unit": "PCE", "unit_price": "0.05", "preference": "MFN"}


def random_selection_off() -> None:
    """No random selection: the general random rates and every compliance class's minimum random
    rates at 0 (risk.ClassSelectivity), so that only the rules and the content choose a channel."""
    RiskSettings.objects.update_or_create(pk=1, defaults={"random_yellow_rate": 0, "random_red_rate": 0})
    for level, (yellow_cap, red_cap, _random_yellow, _random_red) in DEFAULT_CLASS_SELECTIVITY.items():
        ClassSelectivity.objects.get_or_create(compliance_level=level, defaults={"yellow_cap": yellow_cap, "red_cap": red_cap})
    ClassSelectivity.objects.update(random_yellow_min=0, random_red_min=0)


def class_caps_off() -> None:
    """No caps per compliance class (risk.ClassSelectivity at 100 %): for tests that assess several
    declarations of one class within a test and need each to get the channel its rules give (the
    caps would make the second score-based yellow of a quiet window green)."""
    for level, (_yellow_cap, _red_cap, random_yellow, random_red) in DEFAULT_CLASS_SELECTIVITY.items():
        ClassSelectivity.objects.get_or_create(compliance_level=level, defaults={
            "yellow_cap": 1, "red_cap": 1, "random_yellow_min": random_yellow, "random_red_min": random_red})
    ClassSelectivity.objects.update(yellow_cap=1, red_cap=1)


def parsed(body: dict) -> dict:
    """An API body as the API parses it: the validated data the services take."""
    serializer = DeclarationWriteSerializer(data=body)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def one_item_body(**overrides) -> dict:
    """A one-item FOB import of laptops (MFN 0 %, VAT 10 %)."""
    body = import_body()
    body["items"] = body["items"][:1]
    body["invoice"] = {**body["invoice"], "total": "25000.00"}
    body.update(overrides)
    return body


def cigarettes_body() -> dict:
    """An import of 10 000 cigarettes (HS 2402), which the tobacco rules of the risk tests catch."""
    return import_body(items=[CIGARETTES], invoice={**import_body()["invoice"], "total": "500.00"})


def draft_of(user, body: dict | None = None) -> Declaration:
    """A draft of `user`'s enterprise (by default the one-item import of laptops)."""
    return declaration_create(user=user, data=parsed(body or one_item_body()))


def registered(user, body: dict | None = None) -> Declaration:
    """A declaration registered (numbered, not yet assessed); by default the two-item import."""
    declaration = declaration_create(user=user, data=parsed(body or import_body()))
    return declaration_submit(declaration_id=declaration.pk, user=user)


def queued(user, **overrides) -> Declaration:
    """A declaration of `user` registered and assessed by the automated clearance."""
    declaration = registered(user, plain_import_body(**overrides))
    risk_assess(declaration_id=declaration.pk)
    return Declaration.objects.get(pk=declaration.pk)


def waited(declaration, minutes: int) -> None:
    """Backdate the assessment so that the declaration has waited `minutes` in the review queue."""
    Declaration.objects.filter(pk=declaration.pk).update(assessed_at=timezone.now() - timedelta(minutes=minutes))


def document_request(declaration, officer, *, created: timedelta, answered: timedelta | None = None) -> DocumentRequest:
    """A request for documents made `created` ago (and answered `answered` ago)."""
    now = timezone.now()
    made = DocumentRequest.objects.create(declaration=declaration, requested_by=officer, note="Send the C/O.")
    DocumentRequest.objects.filter(pk=made.pk).update(created_at=now - created, answered_at=now - answered if answered else None)
    return made


# Uploaded files: real content, since uploads are checked by content, not by name.


def pdf_bytes(pages: int = 1) -> bytes:
    """A real PDF: header, objects, cross-reference table, trailer, %%EOF."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


PDF = pdf_bytes()


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    return buffer.getvalue()


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(buffer, "JPEG")
    return buffer.getvalue()


# A learned model version's evaluation as risk.learned.training.metrics_of writes it: 2,500 labelled
# items in the evaluation window, 530 found at fault (21.2 %); the 5 % most suspicious (125 items) hold
# 122 of them (97.6 %).
MODEL_METRICS = {
    "rows": 2500, "positives": 530, "base_rate": 0.212,
    "top": {"1": {"rows": 25, "precision": 1.0, "recall": 0.0472, "lift": 4.72},
            "2": {"rows": 50, "precision": 0.96, "recall": 0.0906, "lift": 4.53},
            "5": {"rows": 125, "precision": 0.976, "recall": 0.2302, "lift": 4.6},
            "10": {"rows": 250, "precision": 0.884, "recall": 0.417, "lift": 4.17}},
    "auc": 0.8731, "brier": 0.1032,
    "calibration": [{"from": low / 10, "to": (low + 1) / 10, "rows": rows, "mean_score": mean, "observed": observed}
                    for low, (rows, mean, observed) in enumerate([
                        (1400, 0.0412, 0.0371), (380, 0.1457, 0.1289), (190, 0.2469, 0.2526), (110, 0.3488, 0.3727),
                        (80, 0.4521, 0.4375), (70, 0.5513, 0.5714), (60, 0.6478, 0.6667), (60, 0.7534, 0.7833),
                        (70, 0.8512, 0.8857), (80, 0.9433, 0.975)])],
}
MODEL_ROWS = {"history": 15000, "labelled": 12500, "positives": 2650, "training": 10000, "evaluation": 2500,
              "sources": {"portal": {"rows": 2500, "labelled": 0, "positives": 0},
                          "kcs": {"rows": 12500, "labelled": 12500, "positives": 2650}}}


@functools.cache
def tiny_model_artifact() -> bytes:
    """A real artifact of a two-tree model on random rows: it loads and scores (every score near the
    base rate), so a version can be activated; the tests that need a model that learned something
    train one (tests/risk/model_support.py)."""
    generator = numpy.random.default_rng(7)
    matrix = generator.random((200, len(FEATURE_NAMES)))
    labels = (generator.random(200) < 0.3).astype(float)
    booster = lightgbm.train({"objective": "binary", "verbosity": -1, "num_threads": 1, "seed": 7},
                             lightgbm.Dataset(matrix, label=labels), num_boost_round=2)
    return ModelArtifact(booster=booster, state=FeatureState().freeze(), seed=7).to_bytes()


def model_version_ready(number: int, *, active: bool = False, **fields):
    """A trained version as risk_model_train leaves it, with a tiny real artifact (`tiny_model_artifact`)."""
    now = timezone.now()
    values = {
        "state": RiskModelVersion.State.READY, "progress": 100, "seed": 7, "include_sources": ["kcs"],
        "started_at": now - timedelta(minutes=2), "finished_at": now - timedelta(minutes=1),
        "train_from": date(2020, 1, 1), "train_to": date(2020, 10, 14), "evaluation_from": date(2020, 10, 15),
        "evaluation_to": date(2020, 12, 31), "rows": MODEL_ROWS, "features": list(FEATURE_NAMES),
        "parameters": {**DEFAULT_PARAMETERS, "seed": 7},
        "library_versions": {"lightgbm": "4.6.0", "numpy": "2.2.6", "python": "3.11.2"},
        "metrics": MODEL_METRICS, "training_seconds": 12.34, "artifact": tiny_model_artifact(),
        "active": active, "activated_at": now if active else None,
    }
    return RiskModelVersion.objects.create(number=number, **{**values, **fields})


def cleared_import(user) -> Declaration:
    """`user`'s keyboards and T-shirts (plain_import_body): registered, assessed green, paid through the
    bank: cleared (tests of amendments after clearance)."""
    random_selection_off()
    declaration = registered(user, plain_import_body())
    risk_assess(declaration_id=declaration.pk)
    declaration.refresh_from_db()
    assert declaration.status == "assessed", declaration.status
    payment = payment_start(declaration_id=declaration.pk, user=user)
    payment_credit(notice=BankNotice(payment.reference, payment.amount, "success", f"SB-AAC-{declaration.pk}"))
    declaration.refresh_from_db()
    assert declaration.status == "cleared"
    return declaration


def more_t_shirts(declaration) -> dict:
    """1,300 T-shirts instead of 1,000: lines 2,500 + 3,900 = 6,400, so freight and insurance add exactly
    20 %: keyboards 3,000 USD = 79,035,000 VND (VAT 7,903,500); T-shirts 4,680 USD = 123,294,600 VND, duty
    24,658,920, VAT 10 % of 147,953,520 = 14,795,352. Duty +5,173,200; VAT 22,698,852 - 19,810,482 = +2,888,370."""
    data = declaration_as_data(declaration=declaration)
    data["items"][1].update(quantity=Decimal("1300"), line_value=Decimal("3900.00"))
    data["invoice"]["total"] = Decimal("6400.00")
    return data


def fewer_t_shirts(declaration) -> dict:
    """500 T-shirts, freight 720 + insurance 80 on 4,000 of lines: 20 % again. Keyboards 3,000 USD =
    79,035,000 VND (VAT 7,903,500); T-shirts 1,800 USD = 47,421,000, duty 9,484,200, VAT 10 % of 56,905,200
    = 5,690,520. Duty 19,485,720 - 9,484,200 = 10,001,520 and VAT 19,810,482 - 13,594,020 = 6,216,462 lower."""
    data = declaration_as_data(declaration=declaration)
    data["items"][1].update(quantity=Decimal("500"), line_value=Decimal("1500.00"))
    data["invoice"]["total"] = Decimal("4000.00")
    data["freight"] = Decimal("720.00")
    return data
