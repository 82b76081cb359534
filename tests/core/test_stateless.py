"""Web processes keep nothing of their own (README, "Deployment on several machines"): sessions in the database
(or the cache), the cache in Redis, files through the configured storage."""
from tests.core.test_settings import _run_manage

PRINT = ("from django.conf import settings as s;"
         " print(s.SESSION_ENGINE, s.CACHES['default']['BACKEND'], s.STORAGES['default']['BACKEND'])")


def _configured(**env):
    result = _run_manage("shell", "-c", PRINT, DEBUG="true", **env)
    return result.stdout.strip().splitlines()[-1].split() if result.returncode == 0 else result.stderr


def test_sessions_are_in_the_database_and_the_cache_in_redis():
    assert _configured(REDIS_URL="redis://127.0.0.1:6379/13") == [
        "django.contrib.sessions.backends.db", "django.core.cache.backends.redis.RedisCache",
        "django.core.files.storage.FileSystemStorage"]


def test_cached_sessions_and_s3_files_are_chosen_by_the_environment():
    assert _configured(SESSION_ENGINE="django.contrib.sessions.backends.cached_db", STORAGE_BACKEND="s3", REDIS_URL="",
                       AWS_STORAGE_BUCKET_NAME="studios") == [
        "django.contrib.sessions.backends.cached_db", "django.core.cache.backends.locmem.LocMemCache",
        "storages.backends.s3.S3Storage"]


def test_an_unknown_storage_backend_is_refused():
    assert "STORAGE_BACKEND must be filesystem or s3" in _configured(STORAGE_BACKEND="ftp")
