"""Searches and exports are rate-limited per user (core/ratelimit.py), with a Chinese 429 page."""
import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver

from tests import factories
from tests.conftest import closed_port
from unions.models import Role

pytestmark = pytest.mark.django_db

SMALL = {"search": (2, 60), "export": (1, 60)}


@pytest.fixture(autouse=True)
def small_limits(settings, monkeypatch):
    settings.RATE_LIMITS = SMALL
    # Inside one window, whenever the test runs: a window ending mid-test would reset the count.
    monkeypatch.setattr("core.ratelimit.time.time", lambda: 1_799_999_990.0)
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def city(root):
    return factories.user_with_role(Role.MUNICIPAL_STAFF)


def test_search_over_the_limit_answers_429_in_chinese(client, city):
    client.force_login(city)
    assert client.get("/studios/", {"q": "机械"}).status_code == 200
    assert client.get("/studios/", {"q": "纺织"}).status_code == 200

    response = client.get("/studios/", {"q": "电子"})

    assert response.status_code == 429
    assert "操作过于频繁" in response.content.decode()
    assert 0 < int(response["Retry-After"]) <= 60
    # Browsing without a search is not counted.
    assert client.get("/studios/").status_code == 200


def test_search_limit_is_per_user(client, city):
    client.force_login(city)
    for _ in range(2):
        client.get("/studios/", {"q": "机械"})
    assert client.get("/studios/", {"q": "机械"}).status_code == 429
    client.force_login(factories.user_with_role(Role.MUNICIPAL_STAFF))
    assert client.get("/studios/", {"q": "机械"}).status_code == 200


def test_export_over_the_limit_answers_429(client, city):
    client.force_login(city)
    assert client.get("/studios/export/").status_code == 200

    response = client.get("/studios/export/")

    assert response.status_code == 429
    assert "导出次数过多" in response.content.decode()


def test_limit_starts_again_in_the_next_window(client, city, monkeypatch):
    client.force_login(city)
    now = 1_800_000_000.0
    monkeypatch.setattr("core.ratelimit.time.time", lambda: now)
    client.get("/studios/export/")
    assert client.get("/studios/export/").status_code == 429
    now += 60
    assert client.get("/studios/export/").status_code == 200


def url_patterns(resolver=None, prefix=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            yield from url_patterns(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.name


def test_every_export_route_is_named_so_the_limit_applies():
    exports = [(route, name) for route, name in url_patterns() if "export" in route or ".xlsx" in route]
    assert len(exports) >= 5
    for route, name in exports:
        assert name == "export" or name.endswith("_export"), route


def test_anonymous_search_of_the_public_registry_is_limited_by_address(client, root):
    for _ in range(2):
        assert client.get("/public/registry/", {"q": "机械"}).status_code == 200
    assert client.get("/public/registry/", {"q": "机械"}).status_code == 429
    assert client.get("/public/registry/", {"q": "机械"}, REMOTE_ADDR="10.0.0.2").status_code == 200


def test_anonymous_visitors_behind_the_proxy_are_counted_by_their_own_address(client, settings):
    settings.BEHIND_PROXY = True
    for _ in range(2):
        client.get("/public/registry/", {"q": "机械"}, HTTP_X_FORWARDED_FOR="10.0.0.1")
    assert client.get("/public/registry/", {"q": "机械"}, HTTP_X_FORWARDED_FOR="10.0.0.1").status_code == 429
    assert client.get("/public/registry/", {"q": "机械"}, HTTP_X_FORWARDED_FOR="10.0.0.2").status_code == 200


def test_with_the_cache_down_searches_still_answer(client, city, caplog):
    client.force_login(city)
    down = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                        "LOCATION": f"redis://127.0.0.1:{closed_port()}/0"}}
    with override_settings(CACHES=down):
        for _ in range(3):
            assert client.get("/studios/", {"q": "机械"}).status_code == 200
    assert "rate limit not applied" in caplog.text
