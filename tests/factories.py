"""factory_boy factories for the accounts; other apps add theirs beside these."""
from datetime import date

import factory
from stdnum.vn import mst

from customs_portal.accounts.models import ComplianceLevel, Enterprise, Role, User


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
