"""Who may do what in the naming workflow: named predicates used by services, views and templates."""
from unions.models import Role


def can_manage_rounds(user):
    """第六条: the municipal union (市总工会) runs the round. The system administrator does not."""
    return user.is_authenticated and user.is_active and user.role == Role.MUNICIPAL_STAFF
