"""Writing and reading the transition log. Services call `log_transition` inside their transaction."""
from audit.models import Action
from audit.trail import record

from .models import TransitionLog
from .personal_data import redact


def log_transition(subject, *, union, transition, label, source, target, actor=None, comment=""):
    """Records one transition of `subject`; `actor` None means the system did it (a scheduled job).

    Also writes its audit entry, in the same transaction: a transition rolled back leaves neither. An identity
    or mobile number typed into the comment (a reason, an explanation) is masked: the history is widely read."""
    comment = redact(str(comment))
    entry = TransitionLog.objects.create(
        subject=subject, union=union, transition=transition, label=str(label),
        source=str(source), target=str(target), actor=actor, comment=comment,
    )
    record(Action.TRANSITION, subject=subject, user=actor, operation=transition,
           detail=f"{entry.label}：{entry.source} → {entry.target}" + (f"\n{comment}" if comment else ""))
    return entry


def timeline(subject):
    """The subject's history, oldest first, with the actors in the same query."""
    return TransitionLog.objects.for_object(subject).select_related("actor", "actor__union")


# Entries whose comment names the experts (composing a panel, assigning), and entries an expert made,
# in the naming workflow and in the cycle assessment.
NAMES_EXPERTS = frozenset({"panel", "assign", "cycle_assign"})
BY_EXPERT = frozenset({"score", "recuse", "cycle_recuse"})


def hide_reviewers(entries, *, show):
    """Who reviews is known to the municipal union only (`show`), so nobody can approach an expert about a
    studio or an application; others see that the step happened, not by whom."""
    entries = list(entries)
    if show:
        return entries
    for entry in entries:
        if entry.transition in NAMES_EXPERTS | BY_EXPERT:
            entry.comment = ""
        if entry.transition in BY_EXPERT:
            entry.reviewer_hidden, entry.actor = True, None
    return entries
