"""Checking the chain (`verify_audit`) and removing entries past their retention (`prune_audit`)."""
import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Action, AuditChain, AuditEntry
from .trail import locked_chain, record

# 网络安全法 第二十一条: network logs are kept at least six months.
RETENTION_DAYS = 180
CHUNK_SIZE = 2000


class BrokenChain(Exception):
    """The first entry where the chain does not hold."""


def verify(chunk_size=CHUNK_SIZE):
    """Walks the chain in `seq` order, `chunk_size` entries at a time (constant memory for millions of rows), and
    raises BrokenChain at the first entry that was edited or after a gap left by a deleted one. Returns the
    number of entries checked."""
    chain = AuditChain.objects.filter(pk=1).first() or AuditChain()
    expected_seq, expected_prev = chain.anchor_seq + 1, chain.anchor_hash
    count = 0
    while True:
        # up to the head read above: entries written during the walk are the next run's
        entries = list(AuditEntry.objects.filter(seq__gte=expected_seq, seq__lte=chain.last_seq)
                       .order_by("seq")[:chunk_size])
        for entry in entries:
            if entry.seq != expected_seq:
                raise BrokenChain(_("审计记录 #%(seq)d 缺失（已被删除），其后的记录为 #%(next)d")
                                  % {"seq": expected_seq, "next": entry.seq})
            if entry.prev_hash != expected_prev:
                raise BrokenChain(_("审计记录 #%(seq)d 与前一条 #%(prev)d 的哈希不相连：#%(prev)d 已被改动")
                                  % {"seq": entry.seq, "prev": entry.seq - 1})
            if entry.compute_hash() != entry.hash:
                raise BrokenChain(_("审计记录 #%(seq)d（id %(id)d）的内容已被改动")
                                  % {"seq": entry.seq, "id": entry.pk})
            expected_seq, expected_prev = entry.seq + 1, entry.hash
            count += 1
        if len(entries) < chunk_size:
            break
    if expected_seq - 1 != chain.last_seq or expected_prev != chain.last_hash:
        raise BrokenChain(_("审计记录 #%(seq)d 缺失（已被删除），链尾应为 #%(last)d")
                          % {"seq": expected_seq, "last": chain.last_seq})
    return count


class RetentionError(Exception):
    """A prune that would remove entries younger than the retention period."""


def prune(before, *, user=None, chunk_size=CHUNK_SIZE):
    """Deletes the entries older than `before` (an aware datetime) that precede every younger one in the chain,
    never one younger than RETENTION_DAYS, and moves the chain's anchor to the last one deleted, so the chain
    still verifies. Writes an entry of its own. Returns the number deleted."""
    limit = timezone.now() - datetime.timedelta(days=RETENTION_DAYS)
    if before > limit:
        raise RetentionError(_("审计记录至少保存 %(days)d 天：只能清理 %(date)s 之前的记录")
                             % {"days": RETENTION_DAYS, "date": f"{timezone.localtime(limit):%Y-%m-%d}"})
    with transaction.atomic():
        chain = locked_chain()
        # Only the unbroken run of old entries at the chain's start goes: an entry written back-dated after a
        # young one (imports, seeded data) waits for the young one, so nothing younger than `before` is deleted.
        first_young = AuditEntry.objects.filter(time__gte=before).order_by("seq").values_list("seq", flat=True).first()
        old = AuditEntry.objects.filter(time__lt=before)
        if first_young is not None:
            old = old.filter(seq__lt=first_young)
        last = old.order_by("-seq").values("seq", "hash").first()
        deleted = 0
        if last is not None:
            while True:
                # QuerySet.delete is refused on purpose; a raw delete in chunks is this command's privilege.
                ids = list(AuditEntry.objects.filter(seq__lte=last["seq"]).order_by("seq")
                           .values_list("pk", flat=True)[:chunk_size])
                if not ids:
                    break
                deleted += AuditEntry.objects.filter(pk__in=ids)._raw_delete(AuditEntry.objects.db)
            AuditChain.objects.filter(pk=chain.pk).update(anchor_seq=last["seq"], anchor_hash=last["hash"])
        record(Action.PRUNE, user=user, object_repr=f"< {before:%Y-%m-%d}",
               detail=_("删除 %(n)d 条审计记录") % {"n": deleted})
    return deleted
