"""Configuration from the environment (DATABASE_URL, REDIS_URL, SECRET_KEY, DEBUG, ALLOWED_HOSTS, EMAIL_URL)."""
import os
import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)


def _run_manage(*args, **env):
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; a deployment never has it.
    dropped = {"DJANGO_SETTINGS_MODULE", "DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env={**clean, **env},
        capture_output=True, text=True, timeout=120,
    )


PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "q8v#3kz!m2x@p9w$r7t^y6u&i5o*e4a(s1d)f0g_h-j+k=l~zQ7b!Vn2",
    "ALLOWED_HOSTS": "studios.jyzgh.example",
    "DATABASE_URL": "sqlite:////tmp/deploy-check.sqlite3",
    # personal data at rest (core/encryption.py): production refuses to start without them
    "FIELD_ENCRYPTION_KEYS": "3b5Vq0m6y2Yd0o9oQf1h8bG5l3oQx7s0cW4nJtQk1uE=",
    "FIELD_INDEX_KEY": "Zr8kQ2wP5tV9xB3nM6cL1dF4gH7jK0aS2eR5yU8iO1pT",
}


def test_check_deploy_with_production_settings_prints_no_warning():
    result = _run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output
    assert "WARNING" not in output


def test_check_deploy_flags_the_development_secret():
    result = _run_manage("check", "--deploy", **{**PRODUCTION, "SECRET_KEY": ""})
    # an empty variable falls back to the development key, which --deploy must flag
    assert "security.W009" in result.stdout + result.stderr


def test_environment_is_read():
    script = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL, s.CELERY_TASK_ALWAYS_EAGER,"
        " s.EMAIL_BACKEND, s.EMAIL_HOST, s.ALLOWED_HOSTS, s.DEBUG, s.CACHES['default']['BACKEND'])"
    )
    result = _run_manage("shell", "-v", "0", "-c", script, **{
        **PRODUCTION,
        "DATABASE_URL": "postgres://app:pw@db.internal:5432/studios",
        "REDIS_URL": "redis://cache.internal:6379/1",
        "EMAIL_URL": "smtp+tls://mailer:pw@smtp.internal:587",
    })
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "django.db.backends.postgresql" in out
    assert "redis://cache.internal:6379/1 False" in out
    assert "smtp.EmailBackend smtp.internal" in out
    assert "['studios.jyzgh.example'] False" in out
    assert "RedisCache" in out


def test_embedded_defaults():
    script = ("from django.conf import settings as s;"
              "print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL, s.CELERY_TASK_ALWAYS_EAGER, s.EMAIL_BACKEND)")
    clean = {"DATABASE_URL", "REDIS_URL", "EMAIL_URL", "DJANGO_SETTINGS_MODULE", "DEBUG", "SECRET_KEY"}
    result = subprocess.run([sys.executable, "manage.py", "shell", "-v", "0", "-c", script], cwd=BASE_DIR, text=True,
                            capture_output=True, timeout=120,
                            env={k: v for k, v in os.environ.items() if k not in clean})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "memory://", "True",
                                     "django.core.mail.backends.console.EmailBackend"]


def test_time_zone_and_language():
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert dict(settings.LANGUAGES).keys() == {"zh-hans", "en"}


def test_no_asset_is_loaded_from_outside():
    """Government intranets have no CDN: templates and CSS reference only local files."""
    external = re.compile(r"""(src|href)\s*=\s*["'](https?:)?//|url\(\s*["']?(https?:)?//|@import""")
    files = [*BASE_DIR.joinpath("templates").rglob("*.html"), *BASE_DIR.joinpath("static").rglob("*.css")]
    assert files
    offenders = [str(f) for f in files if external.search(f.read_text(encoding="utf-8"))]
    assert offenders == []
