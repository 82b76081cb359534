"""The chain's one row, and the auditor view (`audit.view_auditentry`) for the 审计 group of subsidies 0002."""
from django.db import migrations


def create(apps, schema_editor):
    apps.get_model("audit", "AuditChain").objects.get_or_create(pk=1)
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    content_type, _created = ContentType.objects.get_or_create(app_label="audit", model="auditentry")
    permission, _created = Permission.objects.get_or_create(
        content_type=content_type, codename="view_auditentry", defaults={"name": "Can view 审计记录"})
    group, _created = Group.objects.get_or_create(name="审计")
    group.permissions.add(permission)


def remove(apps, schema_editor):
    apps.get_model("audit", "AuditChain").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("subsidies", "0002_finance_and_audit_groups"),
    ]

    operations = [migrations.RunPython(create, remove)]
