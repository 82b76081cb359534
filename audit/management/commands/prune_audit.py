import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from audit.integrity import RETENTION_DAYS, RetentionError, prune


class Command(BaseCommand):
    help = f"Deletes audit entries older than --before (never younger than {RETENTION_DAYS} days) and re-anchors the chain."

    def add_arguments(self, parser):
        parser.add_argument("--before", required=True, type=datetime.date.fromisoformat, help="YYYY-MM-DD")

    def handle(self, *args, before, **options):
        start_of_day = timezone.make_aware(datetime.datetime.combine(before, datetime.time.min))
        try:
            deleted = prune(start_of_day)
        except RetentionError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"pruned {deleted} audit entries before {before:%Y-%m-%d}")
