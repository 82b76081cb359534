"""HTTP hardening with production settings (issue 7, point 8) and no-store on personal data (point 7)."""
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from core.http_headers import NO_STORE_ROUTES
from tests import factories
from tests.core.test_settings import PRODUCTION
from tests.security.routes import all_routes
from unions.models import Role

BASE_DIR = Path(settings.BASE_DIR)
HARDENING = ["DEBUG", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
             "SECURE_HSTS_PRELOAD", "SECURE_CONTENT_TYPE_NOSNIFF", "SECURE_REFERRER_POLICY", "X_FRAME_OPTIONS",
             "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE", "CSRF_COOKIE_SECURE",
             "CSRF_COOKIE_HTTPONLY", "CSRF_COOKIE_SAMESITE", "CONTENT_SECURITY_POLICY"]


@pytest.fixture(scope="module")
def production_settings():
    """The hardening settings exactly as config.settings computes them from a production environment."""
    script = ("import json; from django.conf import settings as s;"
              f"print(json.dumps({{n: getattr(s, n) for n in {HARDENING!r}}}))")
    dropped = {"DJANGO_SETTINGS_MODULE", "DEBUG", "SECRET_KEY", "HTTPS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {**{k: v for k, v in os.environ.items() if k not in dropped}, **PRODUCTION}
    result = subprocess.run([sys.executable, "manage.py", "shell", "-v", "0", "-c", script], cwd=BASE_DIR, env=env,
                            capture_output=True, text=True, timeout=120, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_settings_turn_everything_on(production_settings):
    assert production_settings["DEBUG"] is False
    assert production_settings["SECURE_SSL_REDIRECT"] is True
    assert production_settings["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert all(production_settings[n] is True for n in ("SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
                                                        "SESSION_COOKIE_HTTPONLY", "CSRF_COOKIE_HTTPONLY"))


@pytest.fixture
def production(db, production_settings):
    with override_settings(**production_settings, ALLOWED_HOSTS=["testserver"]):
        yield


def test_plain_http_is_redirected_to_https(production, client):
    response = client.get("/accounts/login/")
    assert response.status_code == 301 and response["Location"].startswith("https://")


def test_every_hardening_header_is_sent(production, client):
    response = client.get("/accounts/login/", secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    policy = dict(d.strip().split(" ", 1) for d in response["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    assert "unsafe" not in response["Content-Security-Policy"]


def test_cookies_are_secure_httponly_and_samesite(production, client):
    user = factories.user_with_role(Role.MUNICIPAL_STAFF, factories.municipal_union(), username="zhang")
    user.set_password("Jieyang-2026-secure")
    user.save()
    response = client.post("/accounts/login/", {"username": "zhang", "password": "Jieyang-2026-secure"}, secure=True)
    assert response.status_code == 302
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    csrf = client.get("/accounts/login/", secure=True).cookies.get(settings.CSRF_COOKIE_NAME) or client.cookies[
        settings.CSRF_COOKIE_NAME]
    for cookie in (session, csrf):
        assert cookie["secure"] is True and cookie["httponly"] is True and cookie["samesite"] == "Lax"


def test_templates_hold_no_inline_script_or_style():
    """What the policy forbids must not be in the templates: it would silently stop working."""
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
    handler = re.compile(r"\son[a-z]+\s*=", re.I)
    style = re.compile(r"<style|\sstyle\s*=", re.I)
    offenders = []
    for template in BASE_DIR.joinpath("templates").rglob("*.html"):
        if template.parts[-2] == "documents":  # the PDFs' templates go to WeasyPrint, never to a browser
            continue
        text = template.read_text(encoding="utf-8")
        offenders += [f"{template.name}: {p.pattern}" for p in (inline_script, handler, style) if p.search(text)]
    assert offenders == []


def test_no_store_routes_exist():
    assert NO_STORE_ROUTES <= {r.name for r in all_routes()}


@pytest.mark.parametrize("name", ["password_change", "unions:detail", "subsidies:account", "admin:index"])
def test_pages_with_personal_data_are_not_stored(name, root, login):
    user = factories.user_with_role(Role.ADMIN, root, is_staff=True, is_superuser=True)
    unit = factories.unit_union(factories.county_union())
    kwargs = {"pk": root.pk} if name == "unions:detail" else {"union_pk": unit.pk} if "account" in name else {}
    response = login(user).get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_pages_without_personal_data_may_be_cached_privately(root, login):
    response = login(factories.user_with_role(Role.MUNICIPAL_STAFF, root)).get(reverse("reviews:round_list"))
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
