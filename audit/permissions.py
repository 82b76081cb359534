"""Who reads the audit trail: holders of `audit.view_auditentry`, which migration 0002 grants to the 审计 group
(subsidies/permissions.py). Municipal staff do not get it by their role: they are among those audited."""
VIEW_AUDIT = "audit.view_auditentry"


def can_view_audit(user):
    return user.is_authenticated and user.is_active and user.has_perm(VIEW_AUDIT)
