"""What /healthz reports: the database and the Celery broker."""
from django.conf import settings
from django.db import connection


def database_state():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "down"; the message says which
        return {"ok": False, "vendor": connection.vendor, "error": exc.__class__.__name__}
    return {"ok": True, "vendor": connection.vendor}


def broker_state():
    if settings.CELERY_BROKER_URL.startswith("memory://"):
        # No broker: tasks run in the web process, which is answering this request.
        return {"ok": True, "mode": "eager"}
    from config.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:  # kombu raises driver-specific errors
        return {"ok": False, "mode": "redis", "error": exc.__class__.__name__}
    return {"ok": True, "mode": "redis"}
