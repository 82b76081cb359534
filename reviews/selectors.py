"""Reads for the naming workflow."""
from core.history import timeline
from unions.scoping import get_scoped_object_or_404, scoped

from .models import PHASE_ORDER, NamingRound, RoundPhase


def round_list(user):
    return scoped(user, NamingRound.objects.select_related("rule_set"))


def round_detail(user, pk):
    return get_scoped_object_or_404(user, NamingRound.objects.select_related("rule_set", "created_by"), pk=pk)


def round_history(naming_round):
    return timeline(naming_round)


def phase_steps(naming_round):
    """The phases as a stepper: each with its state (done, current, upcoming) and deadline."""
    deadlines = dict(naming_round.deadlines)
    current = PHASE_ORDER.index(naming_round.phase)
    return [
        {"phase": phase, "label": phase.label, "deadline": deadlines.get(phase),
         "state": "done" if i < current else "current" if i == current else "upcoming"}
        for i, phase in enumerate(PHASE_ORDER)
    ]


def latest_open_round():
    """The newest round that has not concluded (rounds are visible to every role)."""
    return NamingRound.objects.exclude(phase=RoundPhase.CONCLUDED).order_by("-year").first()
