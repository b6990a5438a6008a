from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from customs_portal.demo.services import DEMO_PASSWORD, demo_data_seed


class Command(BaseCommand):
    help = "Create (or reset) the demo enterprises and accounts, all with the demo password."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Seed even though DEBUG is off (test and demonstration servers only).",
        )

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refusing to seed demo accounts with a known password while DEBUG is off. "
                "Use --force if this really is a test or demonstration database."
            )
        users = demo_data_seed(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Demo accounts ready; password for all: {DEMO_PASSWORD}"))
        for user in users:
            role = user.get_role_display() if user.role else ("superuser" if user.is_superuser else "-")
            enterprise = f"  {user.enterprise.tax_code} {user.enterprise.name}" if user.enterprise else ""
            self.stdout.write(f"  {user.username:<10} {role}{enterprise}")
