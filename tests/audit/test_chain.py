"""The chain: it verifies, an edited or deleted entry is found by verify_audit, entries cannot be changed through
Django, concurrent writers keep one chain, and pruning keeps 180 days and leaves a chain that verifies."""
import datetime
import threading

import pytest
from django.contrib.admin.sites import site
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections
from django.test import RequestFactory
from django.utils import timezone

from audit.integrity import BrokenChain, verify
from audit.models import Action, AuditEntry
from audit.trail import record
from core.models import AppendOnlyError

pytestmark = pytest.mark.django_db


def _entries(n, **kwargs):
    return [record(Action.EXPORT, object_repr=f"文件{i}.xlsx", **kwargs) for i in range(n)]


def _verify_audit():
    """verify_audit's message, or None when it exits 0."""
    try:
        call_command("verify_audit", "--chunk-size", "3")
    except CommandError as error:
        return str(error)
    return None


def test_an_untouched_chain_verifies_in_chunks(db):
    entries = _entries(10)
    assert [e.prev_hash for e in entries[1:]] == [e.hash for e in entries[:-1]]
    assert _verify_audit() is None
    assert verify(chunk_size=4) == AuditEntry.objects.count()


def test_an_entry_edited_in_the_database_is_named(db):
    entries = _entries(6)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET username = 'someone' WHERE id = %s", [entries[3].pk])
    assert _verify_audit() == f"审计记录 #{entries[3].seq}（id {entries[3].pk}）的内容已被改动"


def test_an_entry_edited_with_its_hash_recomputed_breaks_the_next_link(db):
    entries = _entries(6)
    forged = AuditEntry.objects.get(pk=entries[2].pk)
    forged.detail = "改过的"
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET detail = %s, hash = %s WHERE id = %s",
                       [forged.detail, forged.compute_hash(), forged.pk])
    message = _verify_audit()
    assert message.startswith(f"审计记录 #{entries[3].seq} 与前一条 #{entries[2].seq} 的哈希不相连")


@pytest.mark.parametrize("which", [0, 3, -1])
def test_a_deleted_entry_is_named(db, which):
    entries = _entries(6)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [entries[which].pk])
    message = _verify_audit()
    assert message is not None and message.startswith(f"审计记录 #{entries[which].seq} 缺失")


def test_entries_cannot_be_changed_or_deleted_through_django(db):
    entry = _entries(1)[0]
    entry.detail = "x"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(detail="x")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    assert _verify_audit() is None


def test_the_admin_offers_no_add_change_or_delete(area):
    request = RequestFactory().get("/admin/")
    request.user = area["admin"]  # a superuser
    model_admin = site._registry[AuditEntry]
    entry = _entries(1)[0]
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, entry)
    assert not model_admin.has_delete_permission(request, entry)


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_chain(db):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; .ci/run runs this there")
    writers, per_writer = 8, 10
    barrier, errors = threading.Barrier(writers), []

    def write():
        try:
            barrier.wait()
            _entries(per_writer)
        except Exception as error:  # noqa: BLE001  (reported by the assertion below)
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write) for _ in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    seqs = list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True))
    assert len(seqs) == writers * per_writer and seqs == list(range(seqs[0], seqs[0] + len(seqs)))
    assert verify() == len(seqs)
    # the time is taken under the lock: the chain's order is the order of time (keyset pages rely on it)
    assert list(AuditEntry.objects.order_by("time", "id").values_list("seq", flat=True)) == seqs


def _recorded_days_ago(monkeypatch, days, n):
    moment = timezone.now() - datetime.timedelta(days=days)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    entries = _entries(n)
    monkeypatch.undo()
    return entries


def test_pruning_younger_than_180_days_is_refused(monkeypatch, db):
    _recorded_days_ago(monkeypatch, 200, 2)
    too_recent = timezone.localdate() - datetime.timedelta(days=179)
    with pytest.raises(CommandError, match="至少保存 180 天"):
        call_command("prune_audit", "--before", too_recent.isoformat())
    assert AuditEntry.objects.count() == 2


def test_pruning_removes_old_entries_and_the_chain_still_verifies(monkeypatch, db):
    old = _recorded_days_ago(monkeypatch, 400, 5)
    kept = _recorded_days_ago(monkeypatch, 100, 3) + _entries(2)
    before = timezone.localdate() - datetime.timedelta(days=300)
    call_command("prune_audit", "--before", before.isoformat())
    remaining = set(AuditEntry.objects.values_list("pk", flat=True))
    assert not remaining & {e.pk for e in old}
    assert {e.pk for e in kept} < remaining
    prune_entry = AuditEntry.objects.get(action=Action.PRUNE)
    assert prune_entry.detail == "删除 5 条审计记录"
    assert _verify_audit() is None
    # the anchor does not cover a later deletion
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [kept[0].pk])
    assert _verify_audit().startswith(f"审计记录 #{kept[0].seq} 缺失")


def test_pruning_stops_at_the_first_young_entry_even_when_an_older_one_follows(monkeypatch, db):
    # Imports and seeded data can write a back-dated entry after a recent one: the prune must stop at the
    # recent one (keeping the chain contiguous) instead of deleting it with the back-dated one after it.
    old = _recorded_days_ago(monkeypatch, 400, 2)
    young = _recorded_days_ago(monkeypatch, 30, 1)
    back_dated = _recorded_days_ago(monkeypatch, 500, 1)
    before = timezone.localdate() - datetime.timedelta(days=300)
    call_command("prune_audit", "--before", before.isoformat())
    remaining = set(AuditEntry.objects.values_list("pk", flat=True))
    assert not remaining & {e.pk for e in old}
    assert {e.pk for e in young + back_dated} <= remaining
    assert AuditEntry.objects.get(action=Action.PRUNE).detail == "删除 2 条审计记录"
    assert _verify_audit() is None


def test_verify_raises_for_callers_other_than_the_command(db):
    entries = _entries(2)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [entries[0].pk])
    with pytest.raises(BrokenChain):
        verify()
