"""等保 preset, 登录失败处理: 5 failures of one username from one address lock that pair for 30 minutes."""
from django.test import override_settings
from django.urls import reverse

from accounts.client_ip import client_ip
from tests import factories
from tests.factories import PASSWORD

from .conftest import clock


def _post(client, password, username="chenwei", ip="10.0.0.1", **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip, **extra)


def _fail(client, times, **kwargs):
    """Wrong passwords; the fifth answers with the lockout page at once."""
    for n in range(1, times + 1):
        assert _post(client, "wrong-password", **kwargs).status_code == (429 if n >= 5 else 200)


def test_five_failures_lock_the_user_at_that_address_with_a_chinese_page(client, user):
    _fail(client, 4)
    response = _post(client, "wrong-password")
    assert response.status_code == 429
    assert "连续 5 次登录失败，已锁定 30 分钟" in response.content.decode()
    # Even the right password is refused now.
    response = _post(client, PASSWORD)
    assert response.status_code == 429 and "已锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lock_holds_only_for_that_user_and_address(client, user):
    factories.user_with_role(factories.Role.UNIT_STAFF, username="linhai")
    _fail(client, 5)
    assert _post(client, PASSWORD, ip="10.0.0.2").status_code == 302
    client.logout()
    assert _post(client, PASSWORD, username="linhai").status_code == 302


def test_the_lock_ends_after_30_minutes(client, user):
    _fail(client, 5)
    with clock(minutes=29):
        assert _post(client, PASSWORD).status_code == 429
    # That try counted as a failure too (django-axes), so the 30 minutes start again from it.
    with clock(minutes=29 + 29):
        assert _post(client, PASSWORD).status_code == 429
    with clock(minutes=29 + 29 + 31):
        assert _post(client, PASSWORD).status_code == 302


def test_a_success_resets_the_count(client, user):
    _fail(client, 4)
    assert _post(client, PASSWORD).status_code == 302
    client.logout()
    _fail(client, 4)
    assert _post(client, PASSWORD).status_code == 302


@override_settings(BEHIND_PROXY=True)
def test_behind_the_proxy_the_address_is_the_one_the_proxy_appended(client, user, rf):
    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 10.0.0.9")
    assert client_ip(request) == "10.0.0.9"  # the client may forge the first entry, not the last
    # Failures from one client behind the proxy lock that client only.
    _fail(client, 5, ip="127.0.0.1", HTTP_X_FORWARDED_FOR="10.0.0.9")
    assert _post(client, PASSWORD, ip="127.0.0.1", HTTP_X_FORWARDED_FOR="10.0.0.9").status_code == 429
    assert _post(client, PASSWORD, ip="127.0.0.1", HTTP_X_FORWARDED_FOR="10.0.0.8").status_code == 302


def test_without_a_proxy_the_forwarded_header_is_ignored(rf):
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(request) == "10.0.0.1"


def test_an_overlong_username_is_refused_before_authentication(client):
    """The lockout keeps usernames in 255 characters: a longer one must be a form error, not a server error."""
    response = client.post("/accounts/login/", {"username": "x" * 5000, "password": "whatever-123"})
    assert response.status_code == 200 and response.context["form"].errors
