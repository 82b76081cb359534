"""Ending an account's sessions (等保: 登录超时和账号停用后会话失效)."""
from importlib import import_module

from django.conf import settings

from .models import LoginSession


def sessions_end(user):
    """Deletes every session the account opened by logging in; it must log in again."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    keys = list(LoginSession.objects.filter(user=user).values_list("session_key", flat=True))
    for key in keys:
        store(session_key=key).delete()
    LoginSession.objects.filter(user=user).delete()
    return len(keys)
