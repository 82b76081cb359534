"""Uploaded files that an action stores are kept only if its transaction commits.

A file is written to storage as the action runs (the row saved with it must name it), so an action that fails
afterwards would leave the file behind with no row pointing to it. `atomic_with_files` is `transaction.atomic`
that also remembers the files `store` wrote inside it, and deletes them when the block ends in an error. A
block inside another hands its files to the outer one, which decides: confirming a delisting calls the
delisting, and a failure after that call removes the delisting's evidence too.
"""
import logging
import threading
from contextlib import contextmanager

from django.db import transaction

logger = logging.getLogger(__name__)
_local = threading.local()  # one stack per thread, as each thread has its own connection


def _blocks():
    if not hasattr(_local, "blocks"):
        _local.blocks = []
    return _local.blocks


@contextmanager
def atomic_with_files():
    """`transaction.atomic()`, deleting the files stored in it (with `store`) if it rolls back.
    Used as a decorator (`@atomic_with_files()`) or a context manager."""
    blocks = _blocks()
    stored = []
    blocks.append(stored)
    try:
        with transaction.atomic():
            yield
    except BaseException:
        blocks.pop()
        for storage, name in stored:
            try:
                storage.delete(name)
            except OSError:  # the original error matters more; the orphan is logged
                logger.exception("could not delete %s after a rolled-back action", name)
        raise
    blocks.pop()
    if blocks:
        blocks[-1].extend(stored)


def store(field_file, name, content):
    """Writes `content` as `field_file` (the row itself is saved by the caller); the file goes again if the
    enclosing `atomic_with_files` block fails."""
    blocks = _blocks()
    if not blocks:
        raise RuntimeError("store() must run inside atomic_with_files(), or a failure would leave the file behind")
    field_file.save(name, content, save=False)
    blocks[-1].append((field_file.storage, field_file.name))
