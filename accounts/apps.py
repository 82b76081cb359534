from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Login, passwords, sessions and the second factor: the 等保 preset (README, "等保 preset")."""

    name = "accounts"
    verbose_name = _("登录与会话")

    def ready(self):
        from . import signals  # noqa: F401
