"""`manage.py load_reference_data`: load the HS nomenclature, the tariff and the code lists."""
from django.core.management.base import BaseCommand

from reference.services import reference_data_load


class Command(BaseCommand):
    help = "Load the reference tables from reference/data/ (idempotent; keeps admin-maintained taxes)."

    def add_arguments(self, parser):
        parser.add_argument("--data-dir", help="folder holding the CSV files (default: reference/data/)")

    def handle(self, *args, data_dir=None, **options):
        report = reference_data_load(data_dir=data_dir, stdout=self.stdout)

        seeded = ", ".join(f"{name} {count}" for name, count in report.seeded_on_existing.items())
        self.stdout.write(f"taxes seeded on existing tariff lines: {seeded}")
        if report.duplicates:
            skipped = sum(len(lines) for lines in report.duplicates.values())
            self.stdout.write(
                f"duplicate tariff codes: {len(report.duplicates)} codes, {skipped} later rows skipped "
                f"(first occurrence kept): {', '.join(sorted(report.duplicates))}"
            )
        for message in report.ignored:
            self.stdout.write(f"ignored: {message}")
        for message in report.warnings:
            self.stdout.write(self.style.WARNING(f"warning: {message}"))
        if report.unparsed:
            self.stdout.write(self.style.WARNING(f"unparsed rates ({len(report.unparsed)}), loaded as absent:"))
            for rate in report.unparsed:
                self.stdout.write(f"  {rate.hs_code} {rate.column}: {rate.raw!r}")
        else:
            self.stdout.write("unparsed rates: none")
        totals = ", ".join(f"{name} {count.rows}" for name, count in report.counts.items())
        self.stdout.write(self.style.SUCCESS(f"loaded {totals} in {report.elapsed:.1f} s"))
