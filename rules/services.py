"""Writes to rule sets: a new draft, a copy of a version, publishing."""
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Sum
from django.utils.translation import gettext as _

from core.numbers import plain

from .models import DEFAULT_CRITERIA, RuleSet, ScoringCriterion

RUBRIC_TOTAL = Decimal("100")


def next_version():
    return (RuleSet.objects.aggregate(v=Max("version"))["v"] or 0) + 1


@transaction.atomic
def ruleset_create_default(published=False):
    """The rules as 揭工总〔2022〕39号 states them, with the default rubric."""
    rule_set = RuleSet(version=next_version(), published=published)
    rule_set.full_clean()
    rule_set.save()
    ScoringCriterion.objects.bulk_create(
        ScoringCriterion(rule_set=rule_set, position=i, name=name, article=article, description=text, max_score=score)
        for i, (name, article, text, score) in enumerate(DEFAULT_CRITERIA, start=1)
    )
    return rule_set


@transaction.atomic
def ruleset_copy(rule_set):
    """A new unpublished version with the same numbers and rubric, to be edited and then published."""
    source = RuleSet.objects.get(pk=rule_set.pk)
    criteria = list(source.criteria.all())
    copy = source
    copy.pk = None
    copy.version = next_version()
    copy.published = False
    copy.notes = _("复制自第 %(v)d 版。") % {"v": rule_set.version}
    copy.save()
    for criterion in criteria:
        criterion.pk = None
        criterion.rule_set = copy
    ScoringCriterion.objects.bulk_create(criteria)
    return copy


@transaction.atomic
def ruleset_publish(rule_set):
    """Publishes a draft: from now on new rounds use it. A published version can no longer change."""
    rule_set = RuleSet.objects.select_for_update().get(pk=rule_set.pk)
    if rule_set.published:
        raise ValidationError(_("第 %(v)d 版已经启用。") % {"v": rule_set.version})
    rule_set.full_clean()
    total = rule_set.criteria.aggregate(total=Sum("max_score"))["total"] or Decimal("0")
    if total != RUBRIC_TOTAL:
        raise ValidationError(_("评分项满分合计应为 100 分，现为 %(total)s 分。") % {"total": plain(total)})
    rule_set.published = True
    rule_set.save(update_fields=["published"])
    return rule_set
