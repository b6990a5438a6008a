"""factory_boy factories for the accounts; other apps add theirs beside these."""
from datetime import date

import factory
from django.utils import timezone
from stdnum.vn import mst

from customs_portal.accounts.models import ComplianceLevel, Enterprise, Role, User
from reference.models import CustomsOffice


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


def declaration_draft_create(user, body: dict):
    """A draft of `user`'s enterprise from an API body (parsed as the API parses it)."""
    from declarations.api.serializers import DeclarationWriteSerializer
    from declarations.services.declarations import declaration_create

    serializer = DeclarationWriteSerializer(data=body)
    serializer.is_valid(raise_exception=True)
    return declaration_create(user=user, data=serializer.validated_data)


def declaration_registered_create(user, body: dict):
    """A declaration registered (numbered, not yet assessed) from an API body."""
    from declarations.services.declarations import declaration_submit

    return declaration_submit(declaration_id=declaration_draft_create(user, body).pk, user=user)
