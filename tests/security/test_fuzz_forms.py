"""Hostile input never causes a server error (issue 7, point 10).

On the demo data (every workflow in every state), each role walks the pages it can reach from its dashboard and
collects every POST form; for each form Hypothesis posts random and hostile values in its fields — huge strings,
unicode, NUL bytes, SQL and HTML injection, negative, huge and NaN numbers, malformed dates, several values where
one is expected, missing fields, files of the wrong type — and the answer must never be a 5xx. A form whose action
is not a URL pattern of ours fails too. Every other route whose view reads a POST (found in the URL patterns) is
posted to directly, as every role, with made-up ids and the slugs the walk met: a form the demo's states never
show is still fuzzed, and a new view cannot escape.
"""
import datetime
import inspect
import io
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import Resolver404, URLResolver, get_resolver, resolve, reverse
from django.urls.converters import IntConverter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from unions.models import User

pytestmark = pytest.mark.django_db

ROLES = [(None, "/public/publicity/"), ("unit", "/"), ("unit3", "/"), ("county", "/"), ("city", "/"), ("expert", "/"),
         ("admin", "/"), ("finance", "/")]
PAGES_PER_ROLE = 150
PAGES_PER_ROUTE = 3
EXAMPLES_PER_FORM = 5
EXAMPLES_PER_DIRECT_POST = 2
NOT_WALKED = {"logout"}  # ends the session the walk runs in
# Pages whose forms are not ours (Django's admin) or end the walk (logout).
SKIPPED = ("/admin/", "/accounts/logout/", "/static/", "/media/")

HOSTILE_TEXT = [
    "", " ", "０１２", "'; DROP TABLE unions_user; --", "\" OR 1=1 --", "<script>alert(1)</script>",
    "<img src=\"file:///etc/passwd\">", "{{ 7*7 }}", "%s%s%n", "../../etc/passwd", "\x00", "a\x00b", "\u202e\ufeff",
    "😀" * 500, "𠀀𪚥", "-1", "0", "-99999999999999999999", "1e309", "NaN", "nan", "inf", "-inf", "1.5", "99999999999",
    "2026-02-30", "0000-00-00", "31/12/2026", "9999-99-99", "2026-13-01T25:61", "true", "on", "null", "[]", "{}",
]


def hostile_values():
    return st.one_of(
        st.sampled_from(HOSTILE_TEXT),
        st.sampled_from(["x", "长", "<"]).map(lambda c: c * 100_000),  # huge (built here: a short repr)
        st.text(max_size=300),
        st.integers(min_value=-(10**30), max_value=10**30).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(str),
        st.dates(min_value=datetime.date(1, 1, 1)).map(str),
    )


def hostile_file():
    """A file under a name that lies about it: text called .pdf, a PDF header on garbage, an empty file."""
    return st.builds(
        lambda filename, content: SimpleUploadedFile(filename, content),
        st.sampled_from(["a.pdf", "a.jpg", "报告.docx", "a.exe", "a.pdf.exe", "a" * 300 + ".pdf", "../x.pdf"]),
        st.one_of(st.binary(max_size=2000), st.just(b""), st.just(b"%PDF-1.4\n\xff\xff"),
                  st.just(b"MZ\x90\x00"), st.just(b"<html><script>x</script></html>")),
    )


class FormCollector(HTMLParser):
    """Links to follow and POST forms with their fields (name → input type)."""

    def __init__(self):
        super().__init__()
        self.links, self.forms, self._form = [], [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "form":
            self._form = {"method": (attrs.get("method") or "get").lower(), "action": attrs.get("action") or "",
                          "fields": {}, "multipart": "multipart" in (attrs.get("enctype") or "")}
            self.forms.append(self._form)
        elif tag in ("input", "select", "textarea", "button") and self._form is not None and attrs.get("name"):
            self._form["fields"].setdefault(attrs["name"], attrs.get("type") or tag)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def ours(url):
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return False
    return not parts.path.startswith(SKIPPED)


def walk(client, start):
    """Breadth-first over the pages reachable from `start`, at most a few of each route (objects in different
    states show different forms), query strings left out: the POST forms found, keyed by (action, fields)."""
    seen, queue, forms, per_route = set(), [start], {}, {}
    while queue and len(seen) < PAGES_PER_ROLE:
        url = queue.pop(0)
        if url in seen:
            continue
        route = resolve(url).route
        if per_route.get(route, 0) >= PAGES_PER_ROUTE:
            continue
        per_route[route] = per_route.get(route, 0) + 1
        seen.add(url)
        response = client.get(url)
        assert response.status_code < 500, url
        if "text/html" not in response.get("Content-Type", ""):
            continue
        parser = FormCollector()
        parser.feed(response.content.decode())
        for href in parser.links:
            target = urlsplit(urljoin(url, href)).path
            if ours(target) and target not in seen and not target.endswith((".xlsx", "/export/", "/download/")):
                try:
                    resolve(target)
                except Resolver404:
                    continue
                queue.append(target)
        for form in parser.forms:
            if form["method"] != "post":
                continue
            action = urljoin(url, form["action"] or url)
            if ours(action):
                forms.setdefault((urlsplit(action).path, tuple(sorted(form["fields"]))), form)
    return forms


def post_routes():
    """Every route of ours whose view reads a POST (by its source): view name → its converters."""
    routes = {}

    def visit(resolver, namespace, converters):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace != "admin":  # Django's own admin
                    visit(pattern, ":".join(filter(None, [namespace, pattern.namespace])),
                          {**converters, **pattern.pattern.converters})
            elif pattern.name:
                view = getattr(pattern.callback, "view_class", None) or inspect.unwrap(pattern.callback)
                if "POST" in inspect.getsource(view) or hasattr(view, "post"):
                    name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                    routes[name] = {**converters, **pattern.pattern.converters}

    visit(get_resolver(), "", {})
    return routes


def direct_urls(converters, name, slugs):
    """A URL of the route `name`: small ids (the demo's objects), slugs seen in the walk, or a made-up one."""
    parts = {}
    for key, converter in converters.items():
        if isinstance(converter, IntConverter):
            parts[key] = st.integers(min_value=1, max_value=40)
        else:
            parts[key] = st.sampled_from(sorted(slugs.get(key, set()) | {"x"}))
    return st.fixed_dictionaries(parts).map(lambda kwargs: reverse(name, kwargs=kwargs))


def payloads(fields):
    """Per field: leave it out, one hostile value, or several; files get a hostile file."""
    entries = []
    for name, kind in sorted(fields.items()):
        if name == "csrfmiddlewaretoken":
            continue
        value = hostile_file() if kind == "file" else st.one_of(hostile_values(),
                                                                st.lists(hostile_values(), min_size=2, max_size=3))
        entries.append(st.one_of(st.none(), value).map(lambda v, name=name: (name, v)))
    return st.tuples(*entries).map(lambda pairs: {name: v for name, v in pairs if v is not None})


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", stdout=io.StringIO())


def fuzz(client, user, urls, fields, examples):
    @settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(url=urls, payload=payloads(fields))
    def post(url, payload):
        client.force_login(User.objects.get(pk=user.pk)) if user else client.logout()
        response = client.post(url, payload)
        assert response.status_code < 500, (user, url, payload)

    post()


def test_hostile_posts_to_every_form_never_cause_a_server_error(client, demo):
    # Every role's forms first, then the posts: a post may move a workflow on and hide another role's form.
    found, users = [], []
    for username, start in ROLES:
        user = User.objects.get(username=username) if username else None
        users.append(user)
        client.force_login(user) if user else client.logout()
        forms = walk(client, start)
        assert forms, username
        found += [(user, path, form) for (path, _fields), form in sorted(forms.items())]

    posted, slugs, app_fields = set(), {}, {}
    for user, path, form in found:
        match = resolve(path)  # a form posting outside our routes fails here (Resolver404)
        for key, value in match.kwargs.items():
            if isinstance(value, str):
                slugs.setdefault(key, set()).add(value)
        app_fields.setdefault(match.namespace, {}).update(form["fields"])
        # One form of each kind is enough; the same form on another object adds time, not cases.
        if (match.view_name, tuple(form["fields"])) not in posted:
            posted.add((match.view_name, tuple(form["fields"])))
            fuzz(client, user, st.just(path), form["fields"], EXAMPLES_PER_FORM)
    posted = {name for name, _fields in posted}

    # A route whose form the demo's states do not show (a phase not reached, an object in another state) is
    # posted to directly, as every role, with the field names of its app's forms.
    for name, converters in sorted(post_routes().items()):
        if name in posted or name in NOT_WALKED:
            continue
        for user in users:
            fuzz(client, user, direct_urls(converters, name, slugs), app_fields.get(name.rpartition(":")[0], {}),
                 EXAMPLES_PER_DIRECT_POST)
