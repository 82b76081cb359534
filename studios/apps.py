from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StudiosConfig(AppConfig):
    name = "studios"
    verbose_name = _("创新工作室")
