"""Queueing a Celery task after commit without ever failing the request that asked for it.

The work a task does is always recorded in the database first (an outbox row, a pending document), so a task
that cannot be queued is late, not lost: the scheduled jobs pick the record up once Redis is back. Sending makes
one attempt (`retry=False`) bounded by the broker's one-second connect timeout (CELERY_BROKER_TRANSPORT_OPTIONS),
so a request never waits on a broker that is down.
"""
import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue(task, *args):
    """Sends `task(*args)` to the broker (or runs it, when tasks are eager); True if that worked."""
    try:
        task.apply_async(args, retry=False)
    except Exception:  # kombu's OperationalError when Redis is down, or an eager task's own error
        logger.warning("%s%r was not queued; its record waits in the database for the scheduled job",
                       task.name, args, exc_info=True)
        return False
    return True


def enqueue_on_commit(task, *args):
    """`enqueue` once the current transaction commits; nothing when it rolls back."""
    transaction.on_commit(lambda: enqueue(task, *args))
