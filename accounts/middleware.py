"""Session limits and the second factor, checked on every request after authentication."""
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_otp import user_has_device

from .signals import LOGIN_AT, SEEN_AT


# How stale the last-seen time may get: the idle limit may end up to this much later (30 min + 1 min).
SEEN_AT_PRECISION = 60


class SessionLimitsMiddleware:
    """Logs out after SESSION_IDLE_SECONDS without a request or SESSION_ABSOLUTE_SECONDS after login.

    SESSION_COOKIE_AGE alone renews its 12 hours on every save, so it limits
    neither; the times are kept in the session and compared here.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = timezone.now().timestamp()
            login_at = request.session.get(LOGIN_AT)
            seen_at = request.session.get(SEEN_AT)
            expired = (
                login_at is None or seen_at is None
                or now - login_at > settings.SESSION_ABSOLUTE_SECONDS
                or now - seen_at > settings.SESSION_IDLE_SECONDS
            )
            if expired:
                logout(request)
                messages.info(request, _("登录已超时，请重新登录。"))
                return redirect_to_login(request.get_full_path())
            if now - seen_at >= SEEN_AT_PRECISION:  # a session write costs queries: not on every request
                request.session[SEEN_AT] = now
        return self.get_response(request)


def needs_second_factor(user):
    """Municipal staff, experts and administrators (OTP_REQUIRED_ROLES) log in with a TOTP code too."""
    roles = set(settings.OTP_REQUIRED_ROLES)
    return user.is_authenticated and (user.role in roles or (user.is_superuser and "admin" in roles))


class SecondFactorMiddleware:
    """Until the code is entered, such a user reaches only the code pages, logout, the language and static files.

    Runs after django_otp's OTPMiddleware, which sets request.user.is_verified().
    """

    OPEN_NAMES = ("otp_verify", "otp_setup", "logout", "set_language")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if needs_second_factor(user) and not user.is_verified() and not self._open(request.path):
            target = "otp_verify" if user_has_device(user, confirmed=True) else "otp_setup"
            query = "?" + urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
            return redirect(reverse(target) + query)
        return self.get_response(request)

    def _open(self, path):
        return path.startswith(settings.STATIC_URL) or path in {reverse(name) for name in self.OPEN_NAMES}
