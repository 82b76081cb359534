"""Scheduled jobs of the naming workflow (Celery beat; see CELERY_BEAT_SCHEDULE in settings)."""
import logging

from celery import shared_task
from django.utils import timezone

from core.conflicts import Conflict
from core.tasks import RETRIED

from . import decision_services, panel_services
from .models import NamingRound, RoundPhase

logger = logging.getLogger(__name__)


@shared_task(**RETRIED)
def approve_ended_publicities():
    """Every day: rounds whose publicity has ended get their results confirmed (第六条: 社会公示).

    Idempotent: only applications still in publicity are approved, each a transition under the round's row
    lock, so a second run approves none again (only those whose objection was dismissed since).
    """
    results = {}
    for naming_round in NamingRound.objects.filter(phase=RoundPhase.PUBLICITY, publicity_end__lt=timezone.localdate()):
        try:
            results[naming_round.pk] = decision_services.approve_after_publicity(naming_round)
        except Conflict:  # moved on meanwhile (a member of staff confirmed it by hand)
            logger.exception("could not confirm the publicity of round %s", naming_round.pk)
    return results


@shared_task(**RETRIED)
def remind_experts():
    """Every morning: experts with unscored tasks are reminded N days before the deadline and on the day itself.

    Idempotent: each reminder carries a key (round, deadline, days left) that reaches an expert once, so a
    second run on the same day tells no one. Returns how many experts were told.
    """
    today = timezone.localdate()
    reminded = 0
    for naming_round in NamingRound.objects.filter(phase=RoundPhase.EXPERT_REVIEW).select_related("rule_set"):
        days_left = (naming_round.expert_deadline - today).days
        if days_left not in (naming_round.rule_set.reminder_days_before, 0):
            continue
        reminded += panel_services.remind_unscored(naming_round, days_left)
    return reminded
