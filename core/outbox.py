"""The transactional outbox (issue 7, point 11): side effects that must not be lost, kept as rows.

An action writes its e-mail as an `OutboxMessage` in its own transaction, so both commit or neither does. After
the commit one quick attempt is made to queue its delivery (core/queueing.py); when Redis is down that fails
within about a second, a warning is logged and the row simply waits. Every minute the beat job
`core.tasks.flush_outbox` (or `manage.py flush_outbox` by hand) delivers whatever is due.

Delivery is idempotent: the row is locked (`skip_locked` on PostgreSQL, so two workers never take the same
row), delivered only while still pending, and marked sent in the same transaction; a second delivery of it
does nothing. A failed send is recorded on the row (attempts, last error) and tried again after 1, 2, 4 …
minutes, at most an hour apart; after OUTBOX_MAX_ATTEMPTS the row is marked failed for staff to look at (the
admin lists it, /healthz counts it). The retries live in the row rather than in Celery's `self.retry` because
they must outlast a broker outage and a worker restart. The one window left is a crash between sending and
recording: the e-mail then goes out again with the same Message-ID, so mail clients show it once.
"""
import logging
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from .models import OutboxKind, OutboxMessage, OutboxStatus
from .queueing import enqueue_on_commit

logger = logging.getLogger(__name__)


def email(subject, body, recipients):
    """Records an e-mail in the caller's transaction and queues its delivery for after the commit."""
    from .tasks import deliver_outbox

    message = OutboxMessage.objects.create(kind=OutboxKind.EMAIL,
                                           payload={"subject": subject, "body": body, "to": sorted(recipients)})
    enqueue_on_commit(deliver_outbox, [message.pk])
    return message


def _send_email(message):
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    payload = message.payload
    headers = {"Message-ID": f"<{message.key}@{domain}>"}
    recipients = payload["to"]
    if len(recipients) == 1:
        EmailMessage(payload["subject"], payload["body"], None, recipients, headers=headers).send()
        return
    # Several recipients go on Bcc so that nobody sees the others' addresses; To says so (RFC 5322 §3.6.3).
    EmailMessage(payload["subject"], payload["body"], None, bcc=recipients,
                 headers={**headers, "To": "undisclosed-recipients:;"}).send()


SENDERS = {OutboxKind.EMAIL: _send_email}


def retry_delay(attempts):
    """How long a row waits after its n-th failed attempt: 1, 2, 4 … minutes, at most an hour."""
    return timedelta(minutes=min(2 ** (attempts - 1), 60))


def deliver(pk):
    """Delivers one row if it is pending, due and not held by another worker; True when it was sent now."""
    with transaction.atomic():
        message = (OutboxMessage.objects.select_for_update(skip_locked=True)
                   .filter(pk=pk, status=OutboxStatus.PENDING, next_attempt_at__lte=timezone.now()).first())
        if message is None:
            return False  # sent already, given up, waiting for its next attempt, or being sent right now
        message.attempts += 1
        try:
            SENDERS[message.kind](message)
        except Exception as error:  # SMTP refusal, timeout, bad address: recorded on the row, never raised
            _record_failure(message, error)
            return False
        message.status, message.sent_at, message.last_error = OutboxStatus.SENT, timezone.now(), ""
        message.save(update_fields=["status", "sent_at", "last_error", "attempts"])
    return True


def _record_failure(message, error):
    message.last_error = f"{type(error).__name__}: {error}"[:2000]
    if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        message.status = OutboxStatus.FAILED
        logger.error("outbox message %s failed %d times and is left for staff: %s", message.pk,
                     message.attempts, message.last_error)
    else:
        message.next_attempt_at = timezone.now() + retry_delay(message.attempts)
        logger.warning("outbox message %s failed (attempt %d), next try at %s: %s", message.pk, message.attempts,
                       message.next_attempt_at, message.last_error)
    message.save(update_fields=["status", "next_attempt_at", "attempts", "last_error"])


def flush(limit=500):
    """Delivers the due pending rows, oldest first, each in its own transaction; returns how many were sent."""
    due = (OutboxMessage.objects.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=timezone.now())
           .order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])
    return sum(deliver(pk) for pk in list(due))


def requeue(queryset):
    """Staff's answer to a failed row (after fixing the address or the mail server): try it again now,
    with a fresh count. Only failed and pending rows; a sent one stays sent. Returns how many."""
    from .tasks import deliver_outbox

    with transaction.atomic():
        ids = list(queryset.exclude(status=OutboxStatus.SENT).values_list("pk", flat=True))
        OutboxMessage.objects.filter(pk__in=ids).update(status=OutboxStatus.PENDING, attempts=0,
                                                        next_attempt_at=timezone.now())
        if ids:
            enqueue_on_commit(deliver_outbox, ids)
    return len(ids)


def state():
    """What /healthz says about the outbox: rows still pending OUTBOX_LATE_MINUTES after they were written, and
    rows given up on. Either means e-mail is not going out and someone should look (README: 待发消息)."""
    late_since = timezone.now() - timedelta(minutes=settings.OUTBOX_LATE_MINUTES)
    pending = Q(status=OutboxStatus.PENDING)
    counts = OutboxMessage.objects.filter(status__in=[OutboxStatus.PENDING, OutboxStatus.FAILED]).aggregate(
        pending=Count("pk", filter=pending), late=Count("pk", filter=pending & Q(created_at__lt=late_since)),
        failed=Count("pk", filter=Q(status=OutboxStatus.FAILED)))
    return {"ok": not counts["late"] and not counts["failed"], **counts}
