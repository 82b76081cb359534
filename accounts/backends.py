from axes.backends import AxesStandaloneBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from core.models import Notification


class OneQueryUserMixin:
    """Every request loads its user: with the union and the unread-message count in the same query, and
    the model permissions in one more, kept on the user object for the request (Django's ModelBackend spends
    four: user, union, user's and group's permissions, and the menu's badge a fifth)."""

    def get_user(self, user_id):
        unread = (Notification.objects.filter(recipient=OuterRef("pk"), read_at__isnull=True).order_by()
                  .values("recipient").annotate(n=Count("pk")).values("n"))
        user = (get_user_model()._default_manager.select_related("union")
                # encrypted telephones: decrypted on every request for nothing; read when a page asks for them
                .defer("phone", "union__contact_phone")
                .annotate(unread_notifications=Coalesce(Subquery(unread, output_field=IntegerField()), 0))
                .filter(pk=user_id).first())
        return user if user is not None and user.is_active else None  # as ModelBackend refuses inactive users

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            permissions = Permission.objects.all()
            if not user_obj.is_superuser:
                permissions = permissions.filter(Q(user=user_obj) | Q(group__user=user_obj))
            user_obj._perm_cache = {f"{app}.{codename}" for app, codename in
                                    permissions.order_by().values_list("content_type__app_label", "codename").distinct()}
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
