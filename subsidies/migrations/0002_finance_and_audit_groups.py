"""The groups that carry the two duties the roles do not cover (see subsidies/permissions.py):
市总工会财务 sees full bank account numbers, 审计 reads every ledger. An administrator adds accounts to them."""
from django.db import migrations

GROUP_PERMISSIONS = {
    "市总工会财务": [("bankaccount", "view_account_number", "查看完整银行账号")],
    "审计": [("ledgerentry", "audit_ledger", "审计补助资金台账")],
}


def create_groups(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    for name, permissions in GROUP_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=name)
        for model, codename, label in permissions:
            content_type, _created = ContentType.objects.get_or_create(app_label="subsidies", model=model)
            permission, _created = Permission.objects.get_or_create(
                content_type=content_type, codename=codename, defaults={"name": label})
            group.permissions.add(permission)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUP_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("subsidies", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
