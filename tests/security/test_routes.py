"""Every route is accounted for (issue 7, point 1): declared public in config.urls.PUBLIC_ROUTES, or it
sends an anonymous visitor to the login page and writes nothing."""
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import resolve, reverse

from config.urls import PUBLIC_ROUTES
from tests.security.routes import all_routes, row_counts

ROUTES = all_routes()
PROTECTED = [r for r in ROUTES if r.name not in PUBLIC_ROUTES]
LOGIN_PAGES = {reverse(settings.LOGIN_URL), reverse("admin:login")}


def test_every_declared_public_route_exists():
    assert PUBLIC_ROUTES <= {r.name for r in ROUTES}


def test_the_walk_finds_the_routes_of_every_app():
    names = {r.name.split(":")[0] for r in ROUTES if ":" in r.name}
    assert {"public", "assessments", "documents", "reviews", "studios", "subsidies", "alliances", "unions",
            "admin"} <= names
    assert len(PROTECTED) > 100


@pytest.mark.parametrize("route", PROTECTED, ids=lambda r: r.name)
def test_anonymous_is_sent_to_the_login_page(route, db):
    url = route.url()
    assert resolve(url).route == route.route.replace("^", ""), f"the sample address {url} reaches another route"
    client = Client()
    response = client.get(url)
    if response.status_code == 405:  # POST-only: the anonymous POST is what must be refused
        before = row_counts()
        response = client.post(url, {"comment": "x", "name": "x"})
        assert row_counts() == before
        if response.status_code == 403:
            return
    assert response.status_code == 302, f"{route.name} answers {response.status_code} to an anonymous visitor"
    assert urlsplit(response["Location"]).path in LOGIN_PAGES


@pytest.mark.parametrize("name", sorted(PUBLIC_ROUTES))
def test_public_routes_answer_without_login(name, db):
    route = next(r for r in ROUTES if r.name == name)
    response = Client().get(route.url())
    # no object 1 exists here, so a public object page answers 404 rather than a redirect to the login page
    assert response.status_code in {200, 302, 404, 405} and "login" not in response.get("Location", "")
