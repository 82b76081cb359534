"""Error pages 403, 404, 409 and 500 with DEBUG off: in Chinese, with no stack trace (issue 7, point 8); the 409 of
an action the object's state does not allow (core.conflicts, issue 7, point 3) also names the reason, links back to
the object and is audited."""
import html
import json
import re

import pytest
from django.test import Client, override_settings
from django.urls import path, reverse

from audit.models import AuditEntry, Result
from core.conflicts import Conflict, back_url
from reviews import services as round_services
from reviews.models import RoundPhase
from tests import factories
from tests.security.routes import row_counts
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


def _double_advance(client, naming_round, **headers):
    """Moves a draft round on, then posts the same button again: the second answers 409."""
    url = reverse("reviews:round_advance", args=[naming_round.pk])
    assert client.post(url, {"from_phase": RoundPhase.DRAFT}).status_code == 302
    before, entries = row_counts(), AuditEntry.objects.count()
    response = client.post(url, {"from_phase": RoundPhase.DRAFT}, **headers)
    assert row_counts() == before and AuditEntry.objects.count() == entries + 1
    return response


@override_settings(DEBUG=False)
def test_409_is_chinese_states_the_reason_links_back_and_is_audited(root, published_rules, login):
    city = factories.user_with_role(Role.MUNICIPAL_STAFF, root)
    naming_round = round_services.round_create(city, year=2031)
    response = _double_advance(login(city), naming_round)
    assert response.status_code == 409
    page = response.content.decode()
    _assert_chinese_without_trace(page, "当前状态不能办理")
    assert "该批次已处于“申报”阶段，可能已由他人推进" in page  # the service's own reason
    assert f'href="{naming_round.get_absolute_url()}"' in page
    entry = AuditEntry.objects.order_by("-seq").first()
    assert (entry.user, entry.result, entry.operation, entry.object_id) == (city, Result.CONFLICT, "POST 409",
                                                                           naming_round.pk)
    assert "该批次已处于“申报”阶段" in entry.detail


def test_409_to_htmx_replaces_the_main_content(root, published_rules, login):
    city = factories.user_with_role(Role.MUNICIPAL_STAFF, root)
    response = _double_advance(login(city), round_services.round_create(city, year=2031), HTTP_HX_REQUEST="true")
    assert response.status_code == 409 and "该批次已处于“申报”阶段" in response.content.decode()
    assert (response["HX-Retarget"], response["HX-Reselect"], response["HX-Reswap"]) == ("#main", "#main", "outerHTML")


def test_htmx_is_told_to_swap_a_409(root, login):
    """htmx leaves 4xx answers unshown unless told; base.html tells it to show a 409 (and only that)."""
    page = login(factories.user_with_role(Role.MUNICIPAL_STAFF, root)).get(reverse("dashboard")).content.decode()
    config = json.loads(html.unescape(re.search(r'name="htmx-config" content=\'([^\']+)\'', page).group(1)))
    rules = [(rule["code"], rule["swap"]) for rule in config["responseHandling"]]
    assert rules.index(("409", True)) < rules.index(("[45]..", False))


def test_409_links_back_to_the_object_else_the_page_of_the_form_on_this_site_else_the_dashboard(rf, db):
    class Page:
        def get_absolute_url(self):
            return "/studios/7/"

    assert back_url(rf.post("/x/"), Conflict("已处理", Page())) == "/studios/7/"
    assert back_url(rf.post("/x/", HTTP_REFERER="http://testserver/subsidies/3/"), Conflict("已处理")) == \
        "http://testserver/subsidies/3/"
    assert back_url(rf.post("/x/", HTTP_REFERER="https://evil.example/"), Conflict("已处理")) == reverse("dashboard")
