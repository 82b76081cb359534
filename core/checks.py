"""System checks of the project's own settings."""
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

from .encryption import require_keys


@register(Tags.security, deploy=True)
def personal_data_keys(app_configs, **kwargs):
    """`check --deploy` fails without usable keys for the personal data (core/encryption.py)."""
    try:
        require_keys()
    except ImproperlyConfigured as error:
        return [Error(str(error), id="core.E001")]
    return []
