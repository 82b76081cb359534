"""Background tasks shared by every app. Tasks take ids, stay thin, and may run twice (each docstring says why
that is harmless): the broker delivers at least once, and beat may fire again after a restart."""
from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import outbox

# The options every task of the project is declared with. A lost database connection is the transient error a
# task meets (e-mail failures are kept on the outbox row instead, core/outbox.py): retried with exponential
# backoff (1 s, 2 s, 4 s … at most 10 minutes, 5 times). acks_late: the message is acknowledged only when the
# task has finished, so one whose worker died is delivered again; that is safe because every task is idempotent.
RETRIED = {"autoretry_for": (OperationalError, InterfaceError), "retry_backoff": True, "retry_backoff_max": 600,
           "max_retries": 5, "acks_late": True}


@shared_task(**RETRIED)
def deliver_outbox(ids):
    """Delivers these outbox rows now; queued right after the action that wrote them commits.

    Idempotent: each row is locked and sent only while pending, and marked sent in the same transaction, so a
    duplicate (or the every-minute job getting there first) finds it sent and does nothing.
    """
    return sum(outbox.deliver(pk) for pk in ids)


@shared_task(**RETRIED)
def flush_outbox():
    """Every minute: delivers every due pending row — those whose queueing failed while Redis was down and those
    waiting for another attempt after a failure.

    Idempotent for the same reason as `deliver_outbox`; two overlapping runs skip each other's locked rows.
    """
    return outbox.flush()
