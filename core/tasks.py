"""Background tasks shared by every app. Tasks take plain values and stay thin."""
import logging

from celery import shared_task
from django.core.mail import send_mail

logger = logging.getLogger(__name__)


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_email(self, subject, body, recipients):
    """Sends one plain-text e-mail; returns how many were sent (0 when there is no address)."""
    recipients = [r for r in recipients if r]
    if not recipients:
        return 0
    return send_mail(subject, body, None, recipients)
