"""The subsidy workflow's people and grants (tests/subsidies/conftest.py) give every kind of event: transitions,
an export, a receipt to download, refusals; plus an auditor who holds the audit view."""
import pytest
from django.contrib.auth.models import Group, Permission

from tests import factories
from tests.subsidies.conftest import area  # noqa: F401  (the fixture)
from unions.models import Role


@pytest.fixture
def auditor(db):
    """An account in the 审计 group, which migration audit 0002 gives the auditor view."""
    user = factories.user_with_role(Role.EXPERT, full_name="审计员")
    # made again where a transactional test flushed the migration's rows
    group, _created = Group.objects.get_or_create(name="审计")
    group.permissions.add(Permission.objects.get(content_type__app_label="audit", codename="view_auditentry"))
    user.groups.add(group)
    return user
