"""Telling people: an inbox row per recipient and an e-mail in the outbox, both in the caller's transaction."""
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from . import outbox
from .models import Notification
from .personal_data import redact


@transaction.atomic(savepoint=False)  # the caller's transaction when there is one; its own otherwise
def notify(recipients, title, body="", url="", key=""):
    """Notifies each active recipient once, in the inbox and by e-mail; returns how many were told.

    The inbox rows and the e-mail's outbox row commit or roll back with the caller (core/outbox.py delivers the
    e-mail after the commit). `key` names a scheduled reminder's event (its object and day): a recipient who
    already has a message with that key is not told again, so a job that runs twice reminds once. A number typed
    into a reason that travels here is masked: messages and e-mails are no place for one.
    """
    title, body = redact(str(title)), redact(str(body))
    recipients = {u.pk: u for u in recipients if u.is_active}
    if key:
        told = set(Notification.objects.filter(key=key, recipient__in=list(recipients))
                   .values_list("recipient_id", flat=True))
        recipients = {pk: user for pk, user in recipients.items() if pk not in told}
    recipients = recipients.values()
    Notification.objects.bulk_create(
        Notification(recipient=user, title=title, body=body, url=url, key=key) for user in recipients
    )
    emails = {u.email for u in recipients if u.email}
    if emails:
        link = f"\n\n{settings.SITE_URL.rstrip('/')}{url}" if url else ""
        outbox.email(f"【创新工作室系统】{title}", f"{body}{link}", emails)
    return len(recipients)


def inbox(user):
    return Notification.objects.filter(recipient=user)


def unread_count(user):
    """The menu's badge: counted when the request loaded its user (accounts.backends), else here."""
    if hasattr(user, "unread_notifications"):
        return user.unread_notifications
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def mark_read(user, pk=None):
    """Marks one message (or all of them) read; only the recipient's own messages can be touched."""
    user.__dict__.pop("unread_notifications", None)  # the badge counted when the request began is stale now
    rows = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if pk is not None:
        rows = rows.filter(Q(pk=pk))
    return rows.update(read_at=timezone.now())
