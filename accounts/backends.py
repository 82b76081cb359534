from axes.backends import AxesStandaloneBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Aggregate, CharField, Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Concat

from core.models import Notification


class Joined(Aggregate):
    """The values joined by commas, in one string: STRING_AGG on PostgreSQL, GROUP_CONCAT on SQLite."""
    function = "STRING_AGG"
    template = "%(function)s(%(expressions)s, ',')"
    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="GROUP_CONCAT", **extra_context)


def granted_permissions(user):
    """`app_label.codename` of the permissions held by `user` (an id or an OuterRef), directly or by a group."""
    return (Permission.objects.filter(Q(user=user) | Q(group__user=user)).order_by()
            .annotate(full_name=Concat("content_type__app_label", Value("."), "codename", output_field=CharField())))


class OneQueryUserMixin:
    """Every request loads its user: with its union, its unread-message count and its model permissions in the
    same query (Django's ModelBackend spends four: user, union, user's and group's permissions, and the menu's
    badge a fifth). Nothing is kept between requests: a permission taken away is gone on the next one."""

    def get_user(self, user_id):
        unread = (Notification.objects.filter(recipient=OuterRef("pk"), read_at__isnull=True).order_by()
                  .values("recipient").annotate(n=Count("pk")).values("n"))
        # One row aggregating all of them: a constant to "group" by is no GROUP BY at all
        permissions = (granted_permissions(OuterRef("pk")).annotate(all=Value(1)).values("all")
                       .annotate(names=Joined("full_name")).values("names"))
        user = (get_user_model()._default_manager.select_related("union")
                # encrypted telephones: decrypted on every request for nothing; read when a page asks for them
                .defer("phone", "union__contact_phone")
                .annotate(unread_notifications=Coalesce(Subquery(unread, output_field=IntegerField()), 0),
                          permission_names=Subquery(permissions, output_field=CharField()))
                .filter(pk=user_id).first())
        return user if user is not None and user.is_active else None  # as ModelBackend refuses inactive users

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                names = Permission.objects.annotate(full_name=Concat(
                    "content_type__app_label", Value("."), "codename", output_field=CharField()))
                user_obj._perm_cache = set(names.values_list("full_name", flat=True))
            elif hasattr(user_obj, "permission_names"):  # loaded by get_user
                user_obj._perm_cache = set(filter(None, (user_obj.permission_names or "").split(",")))
            else:
                user_obj._perm_cache = set(granted_permissions(user_obj.pk).values_list("full_name", flat=True))
        return user_obj._perm_cache


class UserBackend(OneQueryUserMixin, ModelBackend):
    """Django's username-and-password check, loading the user as OneQueryUserMixin says."""


class LoginLockoutBackend(OneQueryUserMixin, AxesStandaloneBackend):
    """django-axes' check, for logins that come with a request.

    Every web login (the login page, the admin's) passes its request. A call
    without one comes from our own code (the shell, a management command, a
    test), which no attacker can repeat; axes would raise instead of checking.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
