"""Error pages 403, 404 and 500 with DEBUG off: in Chinese, with no stack trace (issue 7, point 8)."""
import pytest
from django.test import Client, override_settings
from django.urls import path, reverse

from tests import factories
from unions.models import Role


def _boom(request):
    raise ZeroDivisionError("internal detail /srv/app/secret.py line 42")


urlpatterns = [path("boom/", _boom)]
LEAKS = ("Traceback", "ZeroDivisionError", "internal detail", "settings.py", "DEBUG = True", "Request Method")


def _assert_chinese_without_trace(html, title):
    assert title in html and '<html lang="zh-hans"' in html
    assert not any(leak in html for leak in LEAKS)


@override_settings(DEBUG=False)
def test_403_is_chinese(root, login):
    # the round form is for municipal staff only; a unit union's officer is refused
    client = login(factories.user_with_role(Role.UNIT_STAFF))
    response = client.get(reverse("reviews:round_create"))
    assert response.status_code == 403
    _assert_chinese_without_trace(response.content.decode(), "无权访问")


@override_settings(DEBUG=False)
def test_404_is_chinese(root, login):
    response = login(factories.user_with_role(Role.MUNICIPAL_STAFF, root)).get("/no/such/page/")
    assert response.status_code == 404
    _assert_chinese_without_trace(response.content.decode(), "页面不存在")


@override_settings(DEBUG=False)
def test_404_for_anonymous_is_chinese(db):
    response = Client().get("/public/registry/999999/")
    assert response.status_code == 404
    _assert_chinese_without_trace(response.content.decode(), "页面不存在")


@pytest.mark.urls("tests.security.test_error_pages")
@override_settings(DEBUG=False)
def test_500_from_a_raising_view_is_chinese(db):
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    _assert_chinese_without_trace(response.content.decode(), "系统暂时无法处理您的请求")
