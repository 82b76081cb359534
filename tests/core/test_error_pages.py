import pytest
from django.test import Client
from django.urls import path

from tests import factories
from unions.models import Role


def _boom(request):
    raise RuntimeError("secret detail that must not leak")


urlpatterns = [path("boom/", _boom)]


def test_404_is_chinese_and_keeps_the_navigation(root, login):
    response = login(factories.user_with_role(Role.MUNICIPAL_STAFF)).get("/studios/999999/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "页面不存在" in html and "返回工作台" in html


@pytest.mark.urls("tests.core.test_error_pages")
def test_500_is_chinese_and_shows_no_trace(db):
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "系统暂时无法处理您的请求" in html
    assert "secret detail" not in html and "Traceback" not in html
