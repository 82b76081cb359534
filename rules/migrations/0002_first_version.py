"""Version 1: the numbers of 揭工总〔2022〕39号 and the default rubric, published."""
from django.db import migrations

from rules.models import DEFAULT_CRITERIA


def create(apps, schema_editor):
    RuleSet = apps.get_model("rules", "RuleSet")
    ScoringCriterion = apps.get_model("rules", "ScoringCriterion")
    if RuleSet.objects.exists():
        return
    rule_set = RuleSet.objects.create(version=1, published=True, notes="系统初始版本，依据揭工总〔2022〕39号。")
    ScoringCriterion.objects.bulk_create(
        ScoringCriterion(rule_set=rule_set, position=i, name=name, article=article, description=text, max_score=score)
        for i, (name, article, text, score) in enumerate(DEFAULT_CRITERIA, start=1)
    )


class Migration(migrations.Migration):
    dependencies = [("rules", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
