"""The history of the synthetic applications: one transition log row per step and its audit entry, as
`core.history.log_transition` writes them, with the audit hash chain computed here in order.

The entries extend the existing chain (`AuditChain`, locked for the whole load) from its head, oldest step
first, so `manage.py verify_audit` (audit.integrity.verify) accepts them. Their times are the steps' own,
in past years: within one load the chain's order is the order of time, but entries appended after the demo's
(which carry today's date) are older than those.
"""
from audit.models import Action, AuditChain, AuditEntry, Result
from audit.trail import OBJECT_REPR_LENGTH, locked_chain
from core.models import TransitionLog

from . import copy

LOG_FIELDS = ["content_type", "object_id", "union", "transition", "label", "source", "target", "actor", "comment",
              "at"]
ENTRY_FIELDS = ["seq", "time", "user", "username", "ip", "action", "operation", "content_type", "object_id",
                "object_repr", "result", "detail", "prev_hash", "hash"]


def write_history(transitions, content_type):
    """`transitions` as applications.ensure_applications returns them; returns rows written by table."""
    transitions.sort(key=lambda t: (t[0], t[1]))
    written = {"流转记录": copy.write(TransitionLog, LOG_FIELDS, (
        (content_type, pk, unit, transition, label, source, target, actor, comment, at)
        for at, pk, unit, transition, label, source, target, actor, _username, comment, _name in transitions))}
    chain = locked_chain()
    state = {"seq": chain.last_seq, "hash": chain.last_hash}

    def entries():
        # The same fields, in the same order, as AuditEntry.compute_hash reads them.
        entry = AuditEntry(action=Action.TRANSITION, result=Result.SUCCESS, content_type_id=content_type, ip=None)
        for at, pk, _unit, transition, label, source, target, actor, username, comment, name in transitions:
            entry.seq, entry.time, entry.user_id, entry.username = state["seq"] + 1, at, actor, username
            entry.operation, entry.object_id, entry.object_repr = transition, pk, name[:OBJECT_REPR_LENGTH]
            entry.detail = f"{label}：{source} → {target}" + (f"\n{comment}" if comment else "")
            entry.prev_hash = state["hash"]
            entry.hash = entry.compute_hash()
            state["seq"], state["hash"] = entry.seq, entry.hash
            yield (entry.seq, at, actor, username, None, entry.action, transition, content_type, pk,
                   entry.object_repr, entry.result, entry.detail, entry.prev_hash, entry.hash)

    written["审计记录"] = copy.write(AuditEntry, ENTRY_FIELDS, entries())
    AuditChain.objects.filter(pk=chain.pk).update(last_seq=state["seq"], last_hash=state["hash"])
    return written
