import pytest
from django.urls import reverse

from core.history import log_transition, timeline
from core.models import AppendOnlyError, TransitionLog
from tests import factories
from unions.models import Role


@pytest.fixture
def entry(root):
    studio = factories.StudioFactory()
    actor = factories.user_with_role(Role.MUNICIPAL_STAFF)
    return log_transition(studio, union=studio.unit, transition="rename", label="更名", source="active",
                          target="active", actor=actor, comment="领衔人退休")


def test_log_records_who_when_from_to_and_comment(entry):
    row = timeline(entry.subject).get()
    assert (row.label, row.source, row.target, row.comment) == ("更名", "active", "active", "领衔人退休")
    assert row.actor.role == Role.MUNICIPAL_STAFF and row.at is not None


@pytest.mark.parametrize("action", [
    lambda e: e.save(),
    lambda e: e.delete(),
    lambda e: TransitionLog.objects.filter(pk=e.pk).update(comment="改"),
    lambda e: TransitionLog.objects.filter(pk=e.pk).delete(),
])
def test_log_rows_cannot_be_changed_or_deleted(entry, action):
    with pytest.raises(AppendOnlyError):
        action(entry)
    assert TransitionLog.objects.get(pk=entry.pk).comment == "领衔人退休"


def test_admin_shows_the_log_read_only(entry, login):
    client = login(factories.user_with_role(Role.ADMIN, is_superuser=True))
    assert "更名" in client.get(reverse("admin:core_transitionlog_changelist")).content.decode()
    change = reverse("admin:core_transitionlog_change", args=[entry.pk])
    assert 'name="comment"' not in client.get(change).content.decode()
    client.post(change, {"comment": "改"})
    assert client.post(reverse("admin:core_transitionlog_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    assert TransitionLog.objects.get(pk=entry.pk).comment == "领衔人退休"
