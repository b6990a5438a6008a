"""`manage.py import_history FILE... [--source NAME] [--currency CODE]`: import the history of an
outside source (the KCS data set's CSV format) that the learned risk model trains on
(risk/services/history_import.py; docs/operations.md, "Importing outside history")."""
from django.core.management.base import BaseCommand, CommandError, no_translations

from risk.services.history_import import HistoryImportError, history_import

PROBLEMS_SHOWN = 50


class Command(BaseCommand):
    help = ("Import past declarations of an outside source (CSV in the KCS data set's format, one goods item per "
            "row) as history for the learned risk model. All or nothing per file; rows already imported are skipped.")

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE", help="CSV files, imported one after the other")
        parser.add_argument("--source", default="kcs", help="the source's name, kept on every row (default: kcs)")
        parser.add_argument("--currency", default="KRW", help="the currency of the item prices (default: KRW)")

    @no_translations  # in English, as the portal's other commands, whatever the settings' language
    def handle(self, *args, files, source, currency, **options):
        for path in files:
            try:
                report = history_import(path_or_file=path, source=source, currency=currency)
            except HistoryImportError as error:
                self.stderr.write(f"{path}: not imported, {len(error.problems)} problem(s):")
                for problem in error.problems[:PROBLEMS_SHOWN]:
                    self.stderr.write(f"  {problem}")
                if len(error.problems) > PROBLEMS_SHOWN:
                    self.stderr.write(f"  … and {len(error.problems) - PROBLEMS_SHOWN} more")
                raise CommandError(f"{path} was not imported (nothing of it was written)"
                                   + ("; the files before it were." if path != files[0] else ".")) from None
            except OSError as error:
                raise CommandError(f"{path}: {error.strerror or error}") from None
            self.stdout.write(report.summary())
