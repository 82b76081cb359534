from django.core.management.base import BaseCommand, CommandError

from audit.integrity import BrokenChain, verify


class Command(BaseCommand):
    help = "Checks the audit trail's hash chain; exits non-zero naming the first edited or deleted entry."

    def add_arguments(self, parser):
        parser.add_argument("--chunk-size", type=int, default=2000)

    def handle(self, *args, chunk_size, **options):
        try:
            count = verify(chunk_size=chunk_size)
        except BrokenChain as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"audit chain intact: {count} entries")
