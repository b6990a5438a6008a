"""`manage.py compliance_compute [--tax-code X ...]`: compute compliance levels now (as the nightly task)."""
from django.core.management.base import BaseCommand, CommandError

from customs_portal.accounts.models import Enterprise
from risk.services.compliance import compliance_compute


class Command(BaseCommand):
    help = "Compute enterprises' compliance levels from their record (all enterprises, or those named)."

    def add_arguments(self, parser):
        parser.add_argument("--tax-code", action="append", dest="tax_codes", default=[],
                            help="only this enterprise (repeat for several)")

    def handle(self, *args, tax_codes, **options):
        ids = None
        if tax_codes:
            found = dict(Enterprise.objects.filter(tax_code__in=tax_codes).values_list("tax_code", "pk"))
            missing = sorted(set(tax_codes) - set(found))
            if missing:
                raise CommandError(f"unknown tax code: {', '.join(missing)}")
            ids = list(found.values())
        result = compliance_compute(enterprise_ids=ids)
        self.stdout.write(f"{result.enterprises} enterprises computed, {len(result.changed)} changed"
                          + (f": {', '.join(result.changed)}" if result.changed else ""))
