"""factory_boy factories for the accounts; other apps add theirs beside these."""
from datetime import date

import factory
from stdnum.vn import mst

from customs_portal.accounts.models import ComplianceLevel, Enterprise, Role, User


def tax_code_for(n: int) -> str:
    """The n-th valid 10-digit tax code of the test province prefix 08.

    One serial in eleven has no valid check digit (it would be "10"); two consecutive
    serials never both lack one, so serial 2n+1 or 2n+2 always gives a unique code.
    """
    for serial in (2 * n + 1, 2 * n + 2):
        base = f"08{serial:07d}"
        check_digit = mst.calc_check_digit(base)
        if len(check_digit) == 1:
            return base + check_digit
    raise AssertionError("unreachable: two consecutive serials cannot both lack a check digit")


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
