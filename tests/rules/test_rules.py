from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from rules import services
from rules.models import RuleSet, ScoringCriterion
from tests import factories
from unions.models import Role

pytestmark = pytest.mark.django_db


def test_a_fresh_system_has_the_rules_of_2022_published():
    rule_set = RuleSet.objects.current()
    assert rule_set.version == 1 and rule_set.source == "揭工总〔2022〕39号"
    assert (rule_set.quota_min, rule_set.quota_max) == (5, 10)  # 第六条
    assert rule_set.min_operating_years == 2  # 第五条(一)
    assert (rule_set.results_per_year_min, rule_set.results_per_year_max) == (1, 2)  # 第五条(七)
    assert (rule_set.subsidy_min, rule_set.subsidy_max) == (Decimal("20000.00"), Decimal("30000.00"))  # 第十三条
    assert rule_set.cycle_years == 2  # 第十条
    assert sum(c.max_score for c in rule_set.criteria.all()) == 100


def test_every_number_names_its_article():
    for field in RuleSet._meta.fields:
        if field.name in {"id", "version", "title", "source", "published", "notes", "created_at",
                          "reminder_days_before", "score_spread_alert"}:
            continue
        assert "第" in str(field.help_text) and "条" in str(field.help_text), field.name
    assert all("第五条" in c.article for c in RuleSet.objects.current().criteria.all())


def test_copy_makes_an_unpublished_next_version_with_the_rubric():
    current = RuleSet.objects.current()
    copy = services.ruleset_copy(current)
    assert copy.version == current.version + 1 and not copy.published
    assert copy.criteria.count() == current.criteria.count()
    assert RuleSet.objects.current() == current  # drafts are not used
    assert RuleSet.objects.get(pk=current.pk).criteria.count() == copy.criteria.count()


def test_publishing_a_draft_makes_it_current():
    copy = services.ruleset_copy(RuleSet.objects.current())
    RuleSet.objects.filter(pk=copy.pk).update(quota_max=8)
    services.ruleset_publish(copy)
    assert RuleSet.objects.current().pk == copy.pk
    assert RuleSet.objects.current().quota_max == 8


def test_publish_refuses_a_rubric_that_does_not_add_up_to_100():
    copy = services.ruleset_copy(RuleSet.objects.current())
    ScoringCriterion.objects.filter(rule_set=copy, name="创新成果").update(max_score=Decimal("20"))
    with pytest.raises(ValidationError, match="合计应为 100 分，现为 95 分"):
        services.ruleset_publish(copy)
    assert not RuleSet.objects.get(pk=copy.pk).published


def test_publish_refuses_inverted_ranges_citing_the_article():
    copy = services.ruleset_copy(RuleSet.objects.current())
    RuleSet.objects.filter(pk=copy.pk).update(quota_min=12)
    with pytest.raises(ValidationError, match="第六条"):
        services.ruleset_publish(copy)
    RuleSet.objects.filter(pk=copy.pk).update(quota_min=5, subsidy_min=Decimal("40000"))
    with pytest.raises(ValidationError, match="第十三条"):
        services.ruleset_publish(copy)


@pytest.fixture
def staff(login):
    return login(factories.user_with_role(Role.ADMIN, is_superuser=True))


def test_admin_cannot_change_a_published_version(staff):
    current = RuleSet.objects.current()
    page = staff.get(reverse("admin:rules_ruleset_change", args=[current.pk])).content.decode()
    assert 'name="quota_max"' not in page  # shown read-only
    staff.post(reverse("admin:rules_ruleset_change", args=[current.pk]), {"quota_max": 3})
    assert RuleSet.objects.get(pk=current.pk).quota_max == 10
    assert staff.post(reverse("admin:rules_ruleset_delete", args=[current.pk]), {"post": "yes"}).status_code == 403


def test_admin_copy_edit_and_publish(staff):
    current = RuleSet.objects.current()
    staff.post(reverse("admin:rules_ruleset_changelist"), {"action": "copy_as_new_version", "_selected_action": [current.pk]})
    draft = RuleSet.objects.get(version=current.version + 1)
    page = staff.get(reverse("admin:rules_ruleset_change", args=[draft.pk])).content.decode()
    assert 'name="quota_max"' in page
    response = staff.post(reverse("admin:rules_ruleset_changelist"), {"action": "publish", "_selected_action": [draft.pk]},
                          follow=True)
    assert "已启用" in response.content.decode()
    assert RuleSet.objects.current() == draft
