"""Who may do what with subsidy money (第十二条, 第十三条).

Two duties the five roles do not cover are Django permissions, granted through groups (migration 0002):

- 市总工会财务 (`subsidies.view_account_number`): municipal staff who pay, and so see full bank account numbers;
  everyone else sees them masked.
- 审计 (`subsidies.audit_ledger`): read every grant, ledger and the overview, and export them, whatever the
  account's role or union (第十二条: 接受审查审计监督). It grants no action.

The system administrator never approves or pays: every action asks `is_municipal_staff`, which the ADMIN role
is not, whatever permissions a superuser holds.
"""
from unions.models import Role
from unions.permissions import is_municipal_staff
from unions.scoping import sees_whole_tree

FINANCE_GROUP = "市总工会财务"
AUDIT_GROUP = "审计"
VIEW_ACCOUNT_NUMBER = "subsidies.view_account_number"
AUDIT_LEDGER = "subsidies.audit_ledger"
# group name → permission codenames (subsidies app)
GROUP_PERMISSIONS = {FINANCE_GROUP: ["view_account_number"], AUDIT_GROUP: ["audit_ledger"]}


def is_finance_staff(user):
    """Municipal staff in 市总工会财务: they see the full account numbers they pay into."""
    return is_municipal_staff(user) and user.has_perm(VIEW_ACCOUNT_NUMBER)


def is_auditor(user):
    return user.is_authenticated and user.is_active and user.has_perm(AUDIT_LEDGER)


def sees_all_grants(user):
    """Municipal staff, administrators and auditors see every grant; others see their union's subtree."""
    return sees_whole_tree(user) or is_auditor(user)


def can_keep_account(user, union):
    """第十二条: the unit union's account is kept by its own staff or by the municipal union."""
    return is_municipal_staff(user) or (user.is_authenticated and user.is_active and user.role == Role.UNIT_STAFF
                                        and user.union_id == union.pk)


def mask_account_number(number, user=None):
    """`6222 **** **** 1234`: the first and last four digits, the length hidden; in full, grouped by four, for
    finance staff."""
    digits = (number or "").replace(" ", "")
    if not digits:
        return ""
    if user is not None and is_finance_staff(user):
        return " ".join(digits[i:i + 4] for i in range(0, len(digits), 4))
    return f"{digits[:4]} **** **** {digits[-4:]}" if len(digits) > 8 else f"**** {digits[-4:]}"


def duty_group(name):
    """The group `name` with its permission, made again where it is missing (a flushed test database)."""
    from django.contrib.auth.models import Group, Permission

    group, _created = Group.objects.get_or_create(name=name)
    group.permissions.add(*Permission.objects.filter(content_type__app_label="subsidies",
                                                     codename__in=GROUP_PERMISSIONS[name]))
    return group
