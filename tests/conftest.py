import pytest

from tests import factories


@pytest.fixture(autouse=True)
def chinese_after_each_test():
    """A request in English leaves English active in the thread; the next test starts in Chinese again."""
    yield
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def root(db):
    return factories.municipal_union()


@pytest.fixture
def published_rules(db):
    """The published rule set. Its migration row is gone after a transactional test flushed the database."""
    from rules.models import RuleSet
    from rules.services import ruleset_create_default

    return RuleSet.objects.current() or ruleset_create_default(published=True)


@pytest.fixture
def login(client):
    """Logs `user` into the test client and returns the client."""
    def _login(user):
        client.force_login(user)
        return client
    return _login


# .ci/run sets FAIL_ON_SKIP for its full run on PostgreSQL, Redis and Chromium:
# there a skipped test means a missing service or browser, which must fail loudly.
_skipped = []


def pytest_runtest_logreport(report):
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    import os

    if os.environ.get("FAIL_ON_SKIP") and _skipped:
        print(f"\nFAIL_ON_SKIP: {len(_skipped)} test(s) skipped: " + ", ".join(_skipped))
        session.exitstatus = 1
