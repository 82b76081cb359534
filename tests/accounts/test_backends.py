"""accounts.backends: the request's user, its union, its unread count and its model permissions in one query."""
import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.backends import UserBackend
from core.models import Notification
from tests import factories
from unions.models import Role

pytestmark = pytest.mark.django_db


def test_get_user_loads_the_union_and_the_unread_count_in_one_query():
    user = factories.user_with_role(Role.UNIT_STAFF, factories.unit_union(factories.county_union()))
    Notification.objects.create(recipient=user, title="一")
    Notification.objects.create(recipient=user, title="二")
    Notification.objects.create(recipient=user, title="已读", read_at="2026-01-01T00:00:00Z")
    with CaptureQueriesContext(connection) as captured:
        loaded = UserBackend().get_user(user.pk)
        assert (loaded.union.name, loaded.unread_notifications) == (user.union.name, 2)
    assert len(captured) == 1


def test_an_inactive_user_is_not_loaded():
    user = factories.user_with_role(Role.UNIT_STAFF, factories.unit_union(factories.county_union()), is_active=False)
    assert UserBackend().get_user(user.pk) is None


def test_permissions_of_a_user_and_of_their_groups_come_with_the_user():
    user = factories.user_with_role(Role.MUNICIPAL_STAFF, factories.municipal_union())
    group, other = Group.objects.create(name="权限测试组"), Group.objects.create(name="另一组")
    user.groups.add(group, other)
    group.permissions.add(Permission.objects.get(codename="view_auditentry"))
    other.permissions.add(Permission.objects.get(codename="view_auditentry"), Permission.objects.get(codename="view_union"))
    user.user_permissions.add(Permission.objects.get(codename="view_studio"))
    loaded = UserBackend().get_user(user.pk)
    with CaptureQueriesContext(connection) as captured:
        assert UserBackend().get_all_permissions(loaded) == {
            "audit.view_auditentry", "studios.view_studio", "unions.view_union"}
        assert loaded.has_perm("audit.view_auditentry") and not loaded.has_perm("audit.delete_auditentry")
    assert len(captured) == 0


def test_a_permission_taken_away_is_gone_on_the_next_request():
    user = factories.user_with_role(Role.MUNICIPAL_STAFF, factories.municipal_union())
    group = Group.objects.create(name="审计测试组")
    user.groups.add(group)
    group.permissions.add(Permission.objects.get(codename="view_auditentry"))
    assert UserBackend().get_user(user.pk).has_perm("audit.view_auditentry")
    group.permissions.clear()
    assert not UserBackend().get_user(user.pk).has_perm("audit.view_auditentry")


def test_a_user_without_permissions_has_none_and_a_superuser_has_all():
    user = factories.user_with_role(Role.UNIT_STAFF, factories.unit_union(factories.county_union()))
    assert UserBackend().get_all_permissions(UserBackend().get_user(user.pk)) == set()
    user.is_superuser = True
    user.save()
    assert "audit.view_auditentry" in UserBackend().get_all_permissions(UserBackend().get_user(user.pk))
