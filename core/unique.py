"""Two people creating the same thing at once (a year's round, an alliance's name).

A service checks that the thing does not exist yet, but when nothing exists there is no row to lock, so two
transactions can both pass the check; the database's unique constraint then refuses the second insert. That
refusal must reach the user as the same message the check gives, not as a server error.
"""
from contextlib import contextmanager

from django.db import IntegrityError, transaction


@contextmanager
def refused_if_taken(refusal):
    """Runs the insert in a savepoint (so the caller's transaction stays usable); if another transaction took
    the unique value since the check, raises `refusal` instead of the IntegrityError."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError:
        raise refusal from None
