"""`manage.py statistics_refresh [--rebuild]`: bring the statistics up to date now."""
from django.core.management.base import BaseCommand

from customs_statistics.services.refresh import statistics_refresh


class Command(BaseCommand):
    help = "Recompute the statistics of the declarations that changed (all of them with --rebuild)."

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="derive every figure again from the portal's tables")

    def handle(self, *args, rebuild=False, **options):
        state = statistics_refresh(rebuild=rebuild)
        if state is None:
            self.stdout.write("Another refresh is running; nothing done.")
            return
        self.stdout.write(f"{state.declarations} declarations recomputed in {state.milliseconds} ms.")
