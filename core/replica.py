"""An optional read replica (DATABASE_REPLICA_URL): only views marked `@reads_replica` read from it.

A replica lags the primary by a moment, so reading from it is a decision per view, not a default: the marked
views show what nobody has just changed themselves (the public registry, large exports). Everything else reads
the primary, and so does any read inside a transaction — a service that locks a row and reads on must see its
own writes — and every write goes to the primary whatever the view.
"""
import contextvars
import functools

from django.conf import settings
from django.db import connections

REPLICA = "replica"
_reading_replica = contextvars.ContextVar("reading_replica", default=False)


def reads_replica(view):
    """Marks a view whose reads may come from the replica (when one is configured). The reads it makes before
    it returns count, so a response streamed from a generator would read the primary."""
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        token = _reading_replica.set(True)
        try:
            return view(*args, **kwargs)
        finally:
            _reading_replica.reset(token)
    return wrapped


def replica_configured():
    return REPLICA in settings.DATABASES


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        if _reading_replica.get() and replica_configured() and not connections["default"].in_atomic_block:
            return REPLICA
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a copy of the primary: the same rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"  # the replica follows the primary's schema by replication
