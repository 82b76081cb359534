"""The read replica (DATABASE_REPLICA_URL): only views marked `@reads_replica` read from it, never a write,
never a read inside a transaction; without a replica everything uses the primary."""
import pytest
from django.db import router, transaction

from core.replica import PrimaryReplicaRouter, reads_replica
from studios.models import Studio

pytestmark = pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")


@pytest.fixture
def replica(settings):
    settings.DATABASES = {**settings.DATABASES, "replica": {**settings.DATABASES["default"]}}


def _databases():
    return router.db_for_read(Studio), router.db_for_write(Studio)


def test_a_marked_view_reads_the_replica_and_writes_the_primary(replica):
    marked = reads_replica(lambda request: _databases())
    assert marked(None) == ("replica", "default")
    assert _databases() == ("default", "default")  # after the view, and in any view not marked


def test_the_mark_is_lifted_when_the_view_fails(replica):
    @reads_replica
    def failing(request):
        raise ValueError

    with pytest.raises(ValueError):
        failing(None)
    assert _databases() == ("default", "default")


@pytest.mark.django_db
def test_a_read_inside_a_transaction_uses_the_primary_even_in_a_marked_view(replica):
    @reads_replica
    def view(request):
        with transaction.atomic():
            return _databases()

    assert view(None) == ("default", "default")


def test_without_a_replica_a_marked_view_reads_the_primary():
    assert reads_replica(lambda request: _databases())(None) == ("default", "default")


def test_only_the_primary_is_migrated():
    assert PrimaryReplicaRouter().allow_migrate("default", "studios") is True
    assert PrimaryReplicaRouter().allow_migrate("replica", "studios") is False


def test_the_public_registry_and_the_registry_export_are_the_marked_views():
    from studios import public_views, views

    for view in (public_views.registry, public_views.studio, public_views.alliance_list,
                 public_views.alliance_detail, views.studio_export):
        assert _wrapped_by_replica(view)


def _wrapped_by_replica(view):
    while view is not None:
        if view.__code__.co_qualname == "reads_replica.<locals>.wrapped":
            return True
        view = getattr(view, "__wrapped__", None)
    return False


def test_database_replica_url_adds_the_replica_alias_mirroring_the_primary_in_tests():
    from tests.core.test_settings import _run_manage

    result = _run_manage("shell", "-c", "from django.conf import settings; d = settings.DATABASES['replica'];"
                         " print(d['NAME'], d['TEST']['MIRROR'])",
                         DEBUG="true", DATABASE_REPLICA_URL="postgres://reader@replica.example:5432/studios")
    assert result.stdout.strip().splitlines()[-1] == "studios default", result.stderr
