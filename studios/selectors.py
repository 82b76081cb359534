"""Scoped reads of studios, leaders and members, with the joins their pages need."""
from types import SimpleNamespace

from django.db.models import Case, Count, F, Prefetch, Value, When
from django.shortcuts import get_object_or_404

from unions.permissions import shown_id_number, shown_mobile
from unions.scoping import get_scoped_object_or_404, scoped
from unions.selectors import count_of

from .models import (
    TITLED_STATES, Alliance, AllianceMembership, ChangeRequest, Delisting, JointProject, Leader, Member, Studio,
    StudioResult, StudioStatus,
)


# What a list of studios shows, and only that: no encrypted column is decrypted for nothing (a Fernet token each),
# and no union or leader row is read whole (national lists read 20 studios with three related rows each).
LIST_COLUMNS = ("name", "status", "named_year", "unit__name", "unit__recommending_union__name", "leader__name")
# The public registry's columns: what its list and a studio's public page show, nothing more.
REGISTRY_COLUMNS = (*LIST_COLUMNS, "decision_number", "description", "field", "leader__honour")


def studio_list(user):
    """Studios the user may see, ready for the list page: a fixed number of queries per page."""
    return (
        scoped(user, Studio.objects)
        .select_related("unit", "unit__recommending_union", "leader")
        .only(*LIST_COLUMNS)
        # A subquery, not Count("members"): a GROUP BY over the join would aggregate every studio before the
        # page's LIMIT; the subquery runs for the page's rows only.
        .annotate(member_count=count_of(Member, "studio"))
        .order_by("-named_year", "name", "pk")
    )


def studio_detail(user, pk):
    studio = get_scoped_object_or_404(
        user, Studio.objects.select_related("unit", "unit__recommending_union", "leader", "delisting"), pk=pk
    )
    return studio


def studio_members(studio):
    return Member.objects.filter(studio=studio).order_by("role", "name", "pk")


def studio_counts(user):
    """Counts by state for the dashboard, in one query.

    Grouped by status, not FILTERed counts over every row: for the municipal union that is the whole table
    (100,000 studios nationally), which PostgreSQL then counts from the status index alone (an index-only
    scan) instead of reading every studio.
    """
    by_status = dict(scoped(user, Studio.objects).order_by().values_list("status").annotate(n=Count("pk")))
    return {"titled": sum(by_status.get(s, 0) for s in TITLED_STATES),
            "rectifying": by_status.get(StudioStatus.RECTIFYING, 0),
            "ended": by_status.get(StudioStatus.CANCELLED, 0) + by_status.get(StudioStatus.DELISTED, 0)}


def member_count(user):
    return scoped(user, Member.objects).count()


def leader_list(user):
    return scoped(user, Leader.objects).select_related("unit")


def studio_export_rows(queryset, user):
    """The registry rows of a filtered studio list, read in chunks (constant memory for any number of rows). The
    leader's identity number and mobile are in full only where `user` may read them (sees_personal_data)."""
    labels = dict(StudioStatus.choices)
    rows = queryset.values_list(
        "name", "leader__name", "leader__id_number", "leader__mobile", "unit_id", "unit__name",
        "unit__recommending_union__name", "named_year", "decision_number", "status", "field", "founded_on",
        "member_count")
    for (name, leader, id_number, mobile, unit_id, unit, recommender, year, number, status, field, founded,
         members) in rows.iterator(chunk_size=2000):
        owner = SimpleNamespace(unit_id=unit_id)
        yield (name, leader, unit, recommender or "", year, number, str(labels.get(status, status)), field, founded,
               members, shown_id_number(user, owner, id_number), shown_mobile(user, owner, mobile))


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


# Alliances (第十七条) --------------------------------------------------------------------------------------------


def visible_alliances(user):
    """Alliances the user may see: all for whole-tree roles, else those with a member studio in the user's subtree.

    The scope crosses the membership table, so it is applied as a subquery: one row per alliance.
    """
    return Alliance.objects.filter(pk__in=scoped(user, Alliance.objects.all()).values("pk"))


def alliance_list(user):
    return (visible_alliances(user).select_related("lead", "lead__unit")
            .annotate(member_count=count_of(AllianceMembership, "alliance"), project_count=count_of(JointProject, "alliance"))
            .order_by("name", "pk"))


def alliance_detail(user, pk):
    return get_object_or_404(visible_alliances(user).select_related("lead", "lead__unit", "created_by"), pk=pk)


# The lead first, then the members in the order they joined.
LEAD_FIRST = (Case(When(studio=F("alliance__lead"), then=Value(0)), default=Value(1)), "joined_on", "pk")


def alliance_members(alliance):
    """Every member, delisted or cancelled ones included: they stay in the record, marked by their status."""
    return (AllianceMembership.objects.filter(alliance=alliance)
            .select_related("studio", "studio__unit", "studio__leader").order_by(*LEAD_FIRST))


def alliance_projects(alliance):
    return (JointProject.objects.filter(alliance=alliance)
            .prefetch_related(Prefetch("participants", queryset=Studio.objects.order_by("name")))
            .order_by("-year", "title", "pk"))


def scoped_studio_ids(user, ids):
    return scoped(user, Studio.objects.filter(pk__in=ids)).values_list("pk", flat=True)


def studio_alliances(studio):
    """The alliances a studio belongs to, for its page (所属联盟)."""
    return (AllianceMembership.objects.filter(studio=studio).select_related("alliance", "alliance__lead")
            .order_by("alliance__name"))


def titled_studios():
    """Studios that may lead or join an alliance (第十七条 with 第八条: a delisted studio no longer holds the title)."""
    return Studio.objects.filter(status__in=TITLED_STATES).order_by("name")


# The public registry and showcase (第十九条) -------------------------------------------------------------------
# Only titled studios appear; a delisted or cancelled member is left out of every public list.

def _titled_members():
    return Prefetch("memberships", to_attr="public_members", queryset=AllianceMembership.objects.filter(
        studio__status__in=TITLED_STATES).select_related("studio", "studio__unit").order_by(*LEAD_FIRST))


def public_alliances():
    """Alliances with at least one titled member."""
    return (Alliance.objects.filter(pk__in=AllianceMembership.objects.filter(studio__status__in=TITLED_STATES)
                                    .values("alliance"))
            .select_related("lead").prefetch_related(_titled_members())
            .annotate(project_count=count_of(JointProject, "alliance")).order_by("name", "pk"))


def public_alliance_choices():
    """(pk, name) of the public alliances, for the registry's filter."""
    return (Alliance.objects.filter(memberships__studio__status__in=TITLED_STATES).distinct()
            .order_by("name").values_list("pk", "name"))


def public_alliance_detail(pk):
    return get_object_or_404(public_alliances(), pk=pk)


def public_alliance_projects(alliance):
    return (JointProject.objects.filter(alliance=alliance)
            .prefetch_related(Prefetch("participants", to_attr="public_participants",
                                       queryset=Studio.objects.filter(status__in=TITLED_STATES).order_by("name")))
            .order_by("-year", "title", "pk"))


def _published_results():
    return Prefetch("results", to_attr="published_results",
                    queryset=StudioResult.objects.filter(published=True).order_by("-year", "pk"))


def registry_studios():
    """The registry's studios with their alliances and published results, in a fixed number of queries."""
    return (Studio.objects.filter(status__in=TITLED_STATES)
            .select_related("unit", "unit__recommending_union", "leader").only(*REGISTRY_COLUMNS)
            # by the membership rows (a reverse key) rather than the many-to-many: the same two tables, without a
            # many-to-many manager made for every studio of the page
            .prefetch_related(Prefetch("alliance_memberships", to_attr="public_memberships",
                                       queryset=AllianceMembership.objects.select_related("alliance")
                                       .only("studio_id", "alliance__name", "alliance__field")
                                       .order_by("alliance__name", "pk")), _published_results())
            .order_by("-named_year", "name", "pk"))


def registry_studio(pk):
    return get_object_or_404(registry_studios(), pk=pk)
