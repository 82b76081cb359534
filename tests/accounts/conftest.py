import contextlib
import datetime
from unittest import mock

import pytest
from django.utils import timezone

from tests import factories
from unions.models import Role


@pytest.fixture
def user(root):
    return factories.user_with_role(Role.UNIT_STAFF, username="chenwei")


@contextlib.contextmanager
def clock(**delta):
    """Every `timezone.now()` (sessions, django-axes) answers this much later than now."""
    later = timezone.now() + datetime.timedelta(**delta)
    with mock.patch("django.utils.timezone.now", return_value=later), \
            mock.patch("axes.attempts.now", return_value=later), \
            mock.patch("axes.handlers.proxy.now", return_value=later):
        yield later
