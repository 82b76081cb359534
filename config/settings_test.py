"""Test settings: the real settings, plain HTTP, a fast password hasher, tasks in-process.

DATABASE_URL and REDIS_URL still come from the environment, so the same suite
runs on SQLite/eager tasks and on PostgreSQL/Redis (see .ci/run).
"""
import os

from core.encryption import derived_key

# Keys for personal data (core/encryption.py), fixed for the test run and put in the environment first, so that
# config.settings accepts them and the processes tests start (backup and restore, a Celery worker) share them.
os.environ.setdefault("FIELD_ENCRYPTION_KEYS", derived_key("tests", "field-encryption"))
os.environ.setdefault("FIELD_INDEX_KEY", derived_key("tests", "field-index"))

from .settings import *  # noqa: F401,F403,E402

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
# The existing tests and browser tests log in with a password only; tests/accounts turn the second factor on.
OTP_REQUIRED_ROLES = []
# Tests read the dashboard's counts right after changing rows: counted on every request (tests/core/test_query_budget.py
# turns the cache on, as in production).
DASHBOARD_CACHE_SECONDS = 0
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tasks run in the test process so their effects can be asserted; the broker is
# still Redis when REDIS_URL is set, and tests/core/test_celery.py sends a task
# through it to a real worker.
CELERY_TASK_ALWAYS_EAGER = True
# Files written by tests (attachments, documents) go to a throw-away folder, never into ./media.
import tempfile  # noqa: E402

MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="studios-test-media-"))  # noqa: F405
# The cache outlives each test and ids repeat between tests, so counts would leak from one test into the next:
# rate limits are off here and tests/core/test_rate_limits.py turns them on with small numbers.
RATE_LIMITS = {}
DOCUMENT_WARM_UP = False  # no test starts a worker that needs it warm; tests/documents test warm_up itself
