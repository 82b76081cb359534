import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

from core.encryption import require_keys  # noqa: E402  (needs the settings loaded above)

require_keys()  # no web process serves personal data without its keys
