"""Forcing an error in the middle of an action and proving it left nothing behind (issue 7, point 4).

`failing_at_write(k)` raises `ForcedFailure` just before the k-th INSERT, UPDATE or DELETE the action sends:
an error at that moment stands for any error there (a log row refused, a notification that cannot be
written, a broken disk). `state()` is what an action can leave: every row of every model (counted and hashed)
and every stored file.
"""
import hashlib
import os
from contextlib import contextmanager

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction

WRITES = ("INSERT", "UPDATE", "DELETE")


class ForcedFailure(Exception):
    """The error a test injects in the middle of an action."""


@contextmanager
def failing_at_write(k=None):
    """Counts the writes on the default connection; raises ForcedFailure just before the k-th (None: never)."""
    seen = {"writes": 0}

    def wrapper(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith(WRITES):
            seen["writes"] += 1
            if seen["writes"] == k:
                raise ForcedFailure(f"forced before write {k}: {sql[:120]}")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield seen


def count_writes(call):
    """How many writes `call` sends when nothing fails; everything it wrote is rolled back."""
    with transaction.atomic():
        with failing_at_write() as seen:
            call()
        transaction.set_rollback(True)
    return seen["writes"]


def failure_points(writes):
    """Where to break an action of `writes` writes: everywhere when it is short, else a spread that always
    includes the first and the last write (the last is the hardest: everything else has happened)."""
    if writes <= 12:
        return list(range(1, writes + 1))
    step = writes / 10
    return sorted({1, 2, *(round(i * step) for i in range(1, 10)), writes - 1, writes})


def _rows(model):
    rows = model._base_manager.order_by("pk").values_list()
    digest = hashlib.sha256()
    count = 0
    for row in rows.iterator():
        digest.update(repr(row).encode())
        count += 1
    return count, digest.hexdigest()


def _files():
    root = str(settings.MEDIA_ROOT)
    return sorted(os.path.relpath(os.path.join(folder, name), root)
                  for folder, _dirs, names in os.walk(root) for name in names)


def state():
    """Every model's rows (count and hash) and every stored file."""
    snapshot = {model._meta.label: _rows(model) for model in apps.get_models()}
    snapshot["<files>"] = _files()
    return snapshot


def changed(before, after):
    """The names of what differs between two `state()`s, for a readable failure."""
    return sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))
