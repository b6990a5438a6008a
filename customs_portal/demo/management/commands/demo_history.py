"""`manage.py demo_history`: the demo population's past (customs_portal/demo/history.py)."""
import logging
import time

from celery import current_app
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from customs_portal.demo.history import DEFAULT_DAYS, DEFAULT_DECLARATIONS, DEFAULT_WORKERS, SEED, demo_history_create


class Command(BaseCommand):
    help = ("Create the demo history (enterprises of every compliance level, declarations over the last days "
            "through the services) unless the database has one already.")
    requires_system_checks = []  # the URLconf and its views are not needed (seconds saved on every `make run`)

    def add_arguments(self, parser):
        parser.add_argument("--declarations", type=int, default=DEFAULT_DECLARATIONS,
                            help=f"How many declarations (default {DEFAULT_DECLARATIONS}).")
        parser.add_argument("--days", type=int, default=DEFAULT_DAYS,
                            help=f"Over how many days before today (default {DEFAULT_DAYS}; never before the first "
                                 "exchange rate of the reference data).")
        parser.add_argument("--seed", type=int, default=SEED, help="The random generator's seed.")
        parser.add_argument("--workers", type=int, default=DEFAULT_WORKERS,
                            help=f"Processes replaying the history, one group of compliance classes each "
                                 f"(default {DEFAULT_WORKERS}; 1: all in this process).")
        parser.add_argument("--force", action="store_true",
                            help="Run even though DEBUG is off (test and demonstration servers only).")

    def handle(self, *args, declarations: int, days: int, seed: int, workers: int = DEFAULT_WORKERS, force: bool = False,
               **options):
        if not settings.DEBUG and not force:
            raise CommandError("Refusing to create demo accounts with a known password while DEBUG is off. "
                               "Use --force if this really is a test or demonstration database.")
        if declarations < 1 or days < 1 or workers < 1:
            raise CommandError("--declarations, --days and --workers must be positive.")
        started = time.perf_counter()
        # The tasks queued on commit (assessment, post-clearance selection) run in this process at once
        # instead of waiting in the broker for a worker; the history calls their services itself too.
        # The past's status changes are not pushed to open pages (CHANNEL_LAYERS off: nobody watches the
        # past, and each push is a Redis round trip); the services' own logging of every step is quiet, and
        # so is DEBUG's recording of every query (tens of thousands, kept in memory, each one formatted).
        eager = current_app.conf.task_always_eager
        current_app.conf.task_always_eager = True
        logging.disable(logging.INFO)
        try:
            with override_settings(CHANNEL_LAYERS={}, DEBUG=False):
                outcome = demo_history_create(declarations=declarations, days=days, seed=seed, workers=workers,
                                              stdout=self.stdout)
        except LookupError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            current_app.conf.task_always_eager = eager
            logging.disable(logging.NOTSET)
        style = self.style.SUCCESS if outcome.created else self.style.NOTICE
        self.stdout.write(style(f"{outcome.message} ({time.perf_counter() - started:.1f} s)"))
