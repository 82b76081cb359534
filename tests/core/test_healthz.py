import json

from django.db import connection
from django.urls import reverse


def test_healthz_reports_database_and_broker(client, db, settings):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["database"] == {"ok": True, "vendor": connection.vendor}
    assert body["broker"]["ok"] is True
    assert body["broker"]["mode"] == ("redis" if settings.REDIS_URL else "eager")
    assert response["Cache-Control"].startswith("max-age=0")


def test_healthz_needs_no_login_and_is_get_only(client, db):
    assert client.post(reverse("healthz")).status_code == 405


def test_healthz_answers_503_when_the_database_fails(client, db, monkeypatch):
    from core import health

    def broken():
        return {"ok": False, "vendor": connection.vendor, "error": "OperationalError"}

    monkeypatch.setattr("core.views.database_state", broken)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert json.loads(response.content)["status"] == "degraded"
    assert health.database_state()["ok"] is True
