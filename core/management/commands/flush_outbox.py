"""`manage.py flush_outbox`: deliver the outbox's due e-mails now, without the broker (core/outbox.py)."""
from django.core.management.base import BaseCommand

from core import outbox


class Command(BaseCommand):
    help = "立即发送待发消息中到期的邮件（无需 Redis 和 Celery；与每分钟的定时任务相同）。"

    def handle(self, *args, **options):
        sent = outbox.flush()
        state = outbox.state()
        self.stdout.write(f"sent {sent}; pending {state['pending']}, failed {state['failed']}")
