"""Logins, failed logins and logouts, from Django's auth signals (the login view is Django's own)."""
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from accounts.client_ip import client_ip

from .models import Action, Result
from .trail import record


def _ip(request):
    return client_ip(request) if request is not None else None


@receiver(user_logged_in, dispatch_uid="audit_login")
def login_succeeded(sender, request, user, **kwargs):
    record(Action.LOGIN, user=user, ip=_ip(request), object_repr=user.username)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def login_failed(sender, credentials, request=None, **kwargs):
    # credentials arrive with the password already masked by Django; only the name typed is kept.
    username = str(credentials.get("username", ""))[:150]
    record(Action.LOGIN_FAILED, result=Result.FAILURE, username=username, ip=_ip(request), object_repr=username)


@receiver(user_logged_out, dispatch_uid="audit_logout")
def logged_out(sender, request, user, **kwargs):
    if user is not None:
        record(Action.LOGOUT, user=user, ip=_ip(request), object_repr=user.username)
