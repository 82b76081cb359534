"""What the 等保 preset must remember about accounts: past passwords and live sessions."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PasswordHistory(models.Model):
    """A password hash an account has had; the newest few may not be chosen again."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(_("密码"), max_length=128)  # the hash, as in User.password
    created_at = models.DateTimeField(_("设置时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("历史密码")
        verbose_name_plural = _("历史密码")
        ordering = ["-created_at", "-pk"]


class LoginSession(models.Model):
    """A session opened by a login, so that all of one account's sessions can be ended at once.

    The session store cannot be searched by user (its data is encoded), and another
    backend (cache, signed cookies) has no table at all.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="login_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("登录会话")
        verbose_name_plural = _("登录会话")
