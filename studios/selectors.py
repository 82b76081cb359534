"""Scoped reads of studios, leaders and members, with the joins their pages need."""
from django.db.models import Count, Q

from unions.scoping import get_scoped_object_or_404, scoped

from .models import TITLED_STATES, ChangeRequest, Delisting, Leader, Member, Studio, StudioStatus


def studio_list(user):
    """Studios the user may see, ready for the list page: a fixed number of queries per page."""
    return (
        scoped(user, Studio.objects)
        .select_related("unit", "unit__recommending_union", "leader")
        .annotate(member_count=Count("members"))
        .order_by("-named_year", "name", "pk")  # Meta.ordering does not apply to GROUP BY queries
    )


def studio_detail(user, pk):
    studio = get_scoped_object_or_404(
        user, Studio.objects.select_related("unit", "unit__recommending_union", "leader"), pk=pk
    )
    return studio


def studio_members(studio):
    return Member.objects.filter(studio=studio).order_by("role", "name", "pk")


def studio_counts(user):
    """Counts by state for the dashboard, in one query."""
    return scoped(user, Studio.objects).aggregate(
        titled=Count("pk", filter=Q(status__in=TITLED_STATES)),
        rectifying=Count("pk", filter=Q(status=StudioStatus.RECTIFYING)),
        ended=Count("pk", filter=Q(status__in=[StudioStatus.CANCELLED, StudioStatus.DELISTED])),
    )


def member_count(user):
    return scoped(user, Member.objects).count()


def leader_list(user):
    return scoped(user, Leader.objects).select_related("unit")


def studio_export_rows(queryset):
    """The registry rows of a filtered studio list, read in chunks (constant memory for any number of rows)."""
    labels = dict(StudioStatus.choices)
    rows = queryset.values_list(
        "name", "leader__name", "unit__name", "unit__recommending_union__name", "named_year", "decision_number",
        "status", "field", "founded_on", "member_count")
    for name, leader, unit, recommender, year, number, status, field, founded, members in rows.iterator(
            chunk_size=2000):
        yield (name, leader, unit, recommender or "", year, number, str(labels.get(status, status)), field, founded,
               members)


def change_list(user):
    return (scoped(user, ChangeRequest.objects)
            .select_related("studio", "studio__unit", "studio__unit__recommending_union", "requested_by")
            .order_by("-requested_at", "-pk"))


def change_detail(user, pk):
    return get_scoped_object_or_404(user, ChangeRequest.objects.select_related("studio", "studio__unit"), pk=pk)


def delisting_detail(user, pk):
    return get_scoped_object_or_404(user, Delisting.objects.select_related("studio"), pk=pk)


def studio_changes(studio):
    return studio.changes.select_related("requested_by").order_by("-requested_at", "-pk")
