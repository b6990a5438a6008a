from datetime import date, timedelta
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from payments.gateway import StatementUnavailable, bank_statement_fetch
from payments.services.reconciliation import reconciliation_run


class Command(BaseCommand):
    help = ("Reconcile the bank's statement of a day with the credited payments and store the report of "
            "differences (see docs/payments.md for the statement format).")

    def add_arguments(self, parser):
        parser.add_argument("--date", dest="statement_date", help="statement date, YYYY-MM-DD (default: yesterday)")
        parser.add_argument("--statement", type=Path,
                            help="a statement CSV file to use instead of fetching it from the bank")

    def handle(self, *args, statement_date: str | None = None, statement: Path | None = None, **options):
        day = self._day(statement_date)
        if statement is not None:
            try:
                content = statement.read_bytes()
            except OSError as exc:
                raise CommandError(f"cannot read {statement}: {exc}") from exc
            source = str(statement.resolve())
        else:
            try:
                content, source = bank_statement_fetch(statement_date=day)
            except StatementUnavailable as exc:
                reconciliation_run(statement_date=day, content=None, source="", error=str(exc))
                raise CommandError(f"statement of {day} unavailable: {exc}") from exc
        report = reconciliation_run(statement_date=day, content=content, source=source)
        self.stdout.write(f"{day}: {report.get_status_display()} — {report.statement_lines} statement lines "
                          f"({report.statement_total} VND), {report.credited_count} credited in the portal, "
                          f"{report.matched_count} matched")
        for difference in report.differences.all():
            self.stdout.write(f"  {difference.kind:<22} {difference.reference:<20} {difference.bank_transaction_id:<22} "
                              f"bank={difference.bank_amount} portal={difference.portal_amount} {difference.note}")
        if report.error:
            raise CommandError(report.error)

    @staticmethod
    def _day(text: str | None) -> date:
        if not text:
            return timezone.localdate() - timedelta(days=1)
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise CommandError(f"--date {text!r} is not YYYY-MM-DD") from None
