"""等保 preset, sessions: 30 minutes idle, 12 hours from login, a new key at login, ended by logout and deactivation."""
from importlib import import_module

from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.models import LoginSession
from tests import factories
from tests.factories import PASSWORD

from .conftest import clock

Store = import_module(settings.SESSION_ENGINE).SessionStore


def _alive(client):
    return client.get(reverse("dashboard")).status_code == 200


def _logged_out(client):
    response = client.get(reverse("dashboard"))
    return response.status_code == 302 and response.url.startswith(reverse("login"))


def test_idle_for_more_than_30_minutes_logs_out(login, user):
    client = login(user)
    key = client.session.session_key
    with clock(minutes=29):
        assert _alive(client)
    with clock(minutes=29 + 29):  # each request starts the 30 minutes again
        assert _alive(client)
    with clock(minutes=29 + 29 + 31):
        assert _logged_out(client)
    assert not Store().exists(key)
    assert "登录已超时" in client.get(reverse("login")).content.decode()


def test_twelve_hours_after_login_log_out_however_active(login, user):
    client = login(user)
    for minutes in range(20, 12 * 60, 20):
        with clock(minutes=minutes):
            assert _alive(client), minutes
    with clock(minutes=12 * 60 + 1):
        assert _logged_out(client)


def test_the_session_key_changes_at_login(client, user):
    before = Store()
    before["chosen"] = "anything"
    before.create()
    client.cookies[settings.SESSION_COOKIE_NAME] = before.session_key
    response = client.post(reverse("login"), {"username": "chenwei", "password": PASSWORD})
    assert response.status_code == 302
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before.session_key
    assert not Store().exists(before.session_key)
    assert _alive(client)


def test_logout_ends_the_session(login, user):
    client = login(user)
    key = client.session.session_key
    client.post(reverse("logout"))
    assert not Store().exists(key)
    assert not LoginSession.objects.filter(session_key=key).exists()
    assert _logged_out(client)


def test_deactivating_a_user_ends_all_their_sessions(user, root):
    other = factories.user_with_role(factories.Role.UNIT_STAFF)
    first, second, bystander = Client(), Client(), Client()
    first.force_login(user)
    second.force_login(user)
    bystander.force_login(other)
    keys = [first.session.session_key, second.session.session_key]
    assert all(Store().exists(k) for k in keys)
    user.is_active = False
    user.save()
    assert not any(Store().exists(k) for k in keys)
    assert _logged_out(first) and _logged_out(second)
    assert _alive(bystander)


def test_deactivating_in_the_admin_ends_the_sessions(client, user):
    session = Client()
    session.force_login(user)
    key = session.session.session_key
    admin = factories.user_with_role(factories.Role.ADMIN, is_superuser=True)
    client.force_login(admin)
    url = reverse("admin:unions_user_change", args=[user.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "password"}
    # The form as shown, with 有效 unticked (an unticked box is not posted).
    for name in ("is_active", "date_joined", "last_login"):
        data.pop(name, None)
    data.update({"union": user.union_id, "date_joined_0": "2026-01-01", "date_joined_1": "08:00:00"})
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    user.refresh_from_db()
    assert not user.is_active
    assert not Store().exists(key)
    assert _logged_out(session)


def test_records_of_sessions_past_twelve_hours_are_forgotten_at_the_next_login(user):
    old = Client()
    old.force_login(user)
    key = old.session.session_key
    with clock(hours=12, minutes=1):
        Client().force_login(user)
    assert not LoginSession.objects.filter(session_key=key).exists()
    assert LoginSession.objects.filter(user=user).count() == 1
