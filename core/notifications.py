"""Telling people: an inbox row per recipient now, an e-mail after the transaction commits."""
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from .models import Notification
from .personal_data import redact
from .tasks import send_email


def notify(recipients, title, body="", url=""):
    """Notifies each active recipient once, in the inbox and by e-mail (queued only if the caller commits). A
    number typed into a reason that travels here is masked: messages and e-mails are no place for one."""
    title, body = redact(str(title)), redact(str(body))
    recipients = {u.pk: u for u in recipients if u.is_active}.values()
    Notification.objects.bulk_create(
        Notification(recipient=user, title=title, body=body, url=url) for user in recipients
    )
    emails = sorted({u.email for u in recipients if u.email})
    if emails:
        link = f"\n\n{settings.SITE_URL.rstrip('/')}{url}" if url else ""
        send_email.delay_on_commit(f"【创新工作室系统】{title}", f"{body}{link}", emails)
    return len(recipients)


def inbox(user):
    return Notification.objects.filter(recipient=user)


def unread_count(user):
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def mark_read(user, pk=None):
    """Marks one message (or all of them) read; only the recipient's own messages can be touched."""
    rows = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if pk is not None:
        rows = rows.filter(Q(pk=pk))
    return rows.update(read_at=timezone.now())
