"""Hooks into Django's login and account saves.

Signals because these must hold whatever path a login or a deactivation takes:
the login page, the admin's login, force_login, the admin's user page, a
service or the shell.
"""
import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from .models import LoginSession
from .sessions import sessions_end

LOGIN_AT = "_auth_login_at"
SEEN_AT = "_auth_seen_at"


@receiver(user_logged_in)
def remember_login(sender, request, user, **kwargs):
    now = timezone.now().timestamp()
    request.session[LOGIN_AT] = now
    request.session[SEEN_AT] = now
    # login() has already cycled the key; saving now gives the row its final key.
    request.session.save()
    LoginSession.objects.get_or_create(session_key=request.session.session_key, defaults={"user": user})
    # Sessions past the absolute limit are dead whether or not anyone logged out; forget them.
    LoginSession.objects.filter(
        created_at__lt=timezone.now() - datetime.timedelta(seconds=settings.SESSION_ABSOLUTE_SECONDS)).delete()


@receiver(pre_save, sender=get_user_model())
def note_deactivation(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None or instance.is_active:
        instance._deactivated = False
        return
    instance._deactivated = sender.objects.filter(pk=instance.pk, is_active=True).exists()


@receiver(post_save, sender=get_user_model())
def end_sessions_of_deactivated(sender, instance, raw=False, **kwargs):
    if getattr(instance, "_deactivated", False):
        sessions_end(instance)


@receiver(user_logged_out)
def forget_session(sender, request, user, **kwargs):
    if request is not None and request.session.session_key:
        LoginSession.objects.filter(session_key=request.session.session_key).delete()
