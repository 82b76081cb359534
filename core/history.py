"""Writing and reading the transition log. Services call `log_transition` inside their transaction."""
from .models import TransitionLog


def log_transition(subject, *, union, transition, label, source, target, actor=None, comment=""):
    """Records one transition of `subject`; `actor` None means the system did it (a scheduled job)."""
    return TransitionLog.objects.create(
        subject=subject, union=union, transition=transition, label=str(label),
        source=str(source), target=str(target), actor=actor, comment=comment,
    )


def timeline(subject):
    """The subject's history, oldest first, with the actors in the same query."""
    return TransitionLog.objects.for_object(subject).select_related("actor", "actor__union")
