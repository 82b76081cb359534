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


def row_counts():
    """The number of rows of every model: a job run a second time must leave every one as the first run did."""
    from django.apps import apps

    return {model._meta.label: model._base_manager.count() for model in apps.get_models()}


def closed_port():
    """A loopback port nothing listens on: connecting to it is refused at once, as to a stopped service."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def broker():
    """Switches Celery, for one test, from the suite's eager tasks to a broker that is down (`down()`: Redis
    stopped, tasks sent as in production) or to the real Redis of REDIS_URL (`real()`), and back (`eager()`)."""
    from django.conf import settings

    from config.celery import app

    saved = app.conf.task_always_eager, app.conf.broker_url

    def use(eager, url):
        app.conf.task_always_eager, app.conf.broker_url = eager, url
        # Celery keeps its connection and producer pools for the life of the process (no public reset): forget
        # them, or sends would still go to the previous broker.
        app._pool = None
        app.amqp._producer_pool = None

    class Broker:
        def down(self):
            use(False, f"redis://127.0.0.1:{closed_port()}/0")

        def real(self):
            assert settings.CELERY_BROKER_URL.startswith("redis://"), "needs REDIS_URL"
            use(False, settings.CELERY_BROKER_URL)

        def eager(self):
            use(True, saved[1])

    yield Broker()
    use(*saved)


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
