"""The limit of each benchmarked page: the same rows, fetched with the least work, written out as plain text.

Each view answers the address of its page under /bench/limit/ (bench.pages.limit_path) with the same query
string. It goes through the same middleware (the session and user lookup, the idle-timeout write, CSRF), builds
its WHERE, ORDER and LIMIT from the page's own selectors and filters — so a change to the page's query changes
its limit's too — but selects only the columns the page shows, runs the SQL on a raw cursor and writes the rows
as tab-separated lines: no model instances, no templates. The ratio of a page's throughput to its limit's is
what the ORM, the templates and any extra queries cost (docs/performance.md, "Benchmark").

Mounted only when BENCH_LIMIT_VIEWS is set (config/urls.py): they are for measuring, not for users.
"""
from dataclasses import astuple

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse, HttpResponseForbidden, HttpResponseRedirect, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core import search, statistics
from core.dashboard import cards_for
from core.lists import capped_count, keyset_slice
from core.models import TransitionLog
from core.scoped_cache import cached_count
from reviews.models import (
    Application, ApplicationAttachment, ApplicationMember, ApplicationResult, NamingRound, SiteVisit,
)
from studios.filters import StudioFilter
from studios.models import (
    TITLED_STATES, AllianceMembership, ChangeRequest, ChangeStatus, FormerName, Member, Studio, StudioResult,
    TrainingRecord,
)
from studios.selectors import public_alliance_choices
from unions.scoping import scoped
from unions.selectors import recommending_unions

STUDIO_COLUMNS = ("pk", "name", "leader__name", "unit__name", "unit__recommending_union__name", "named_year", "status")
EXPORT_CHUNK = 2000


def rows(queryset):
    """The rows of `queryset`'s SQL, read on a raw cursor (tuples, never model instances)."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def text(*tables):
    lines = ["\t".join("" if v is None else str(v) for v in row) + "\n" for table in tables for row in table]
    return HttpResponse("".join(lines), content_type="text/plain; charset=utf-8")


def signed_in(view):
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return HttpResponseForbidden()
        return view(request, *args, **kwargs)
    return wrapped


def page_of(request, queryset):
    """The rows of the page ?cursor= points at, found by keyset as the page's core.lists finds them, and the
    count the page shows above them (capped as the page caps it)."""
    return rows(keyset_slice(queryset, request.GET.get("cursor"), settings.PAGE_SIZE)), [(capped_count(queryset),)]


def member_count():
    members = Member.objects.filter(studio=OuterRef("pk")).order_by().values("studio").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(members, output_field=IntegerField()), Value(0))


def studio_rows(request):
    """The studio list's rows: its selector's scope and order, its filters, the columns its table shows."""
    base = scoped(request.user, Studio.objects).order_by("-named_year", "name", "pk")
    filterset = StudioFilter(request.GET, queryset=base, user=request.user)
    return filterset.qs.values_list(*STUDIO_COLUMNS).annotate(members=member_count())


@signed_in
def dashboard(request):
    """The dashboard's figures by the page's own code, less its templates: each card's label and value
    (core.dashboard.cards_for, whose counts no limit could write with less SQL) and the statistics' rows, from
    the cache as the page takes them (core.views.dashboard)."""
    user = request.user
    lines = [(card.label, card.value) for card in cards_for(user)]
    if statistics.can_see_statistics(user):
        year = statistics.assessment_year(request.GET.get("year"))
        figures = cached_count(user, "statistics", lambda: statistics.city_statistics(user, year), year)
        lines += [astuple(row) for row in (*figures.by_union, figures.union_total, *figures.by_year,
                                          figures.year_total)]
    return text(lines)


@signed_in
def studio_list(request):
    """The page's rows and count, and the recommending unions its filter offers."""
    return text(*page_of(request, studio_rows(request)), rows(recommending_unions(request.user).values_list("pk", "name")))


@signed_in
def studio_export(request):
    """Every row of the filtered list, streamed in chunks as the Excel export reads them."""
    columns = ("name", "leader__name", "unit__name", "unit__recommending_union__name", "named_year",
               "decision_number", "status", "field", "founded_on")
    base = scoped(request.user, Studio.objects).order_by("-named_year", "name", "pk")
    queryset = StudioFilter(request.GET, queryset=base, user=request.user).qs.values_list(*columns).annotate(
        members=member_count())
    sql, params = queryset.query.sql_with_params()

    def lines():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            while chunk := cursor.fetchmany(EXPORT_CHUNK):
                yield "".join("\t".join("" if v is None else str(v) for v in row) + "\n" for row in chunk)

    return StreamingHttpResponse(lines(), content_type="text/plain; charset=utf-8")


def history(model, pk):
    """The object's history as its page shows it: each step with its actor and the actor's union."""
    return rows(TransitionLog.objects.filter(content_type=ContentType.objects.get_for_model(model), object_id=pk)
                .order_by("at", "pk").values_list("at", "label", "source", "target", "comment", "actor__full_name",
                                                  "actor__union__name"))


@signed_in
def studio_detail(request, pk):
    """Every section of the studio's page: the studio, its members, former names, change requests, history,
    results, trainings and alliances (its record tab loads later, by a request of its own)."""
    studio = rows(scoped(request.user, Studio.objects).filter(pk=pk).values_list(
        *STUDIO_COLUMNS, "decision_number", "field", "founded_on"))
    if not studio:
        raise Http404
    members = Member.objects.filter(studio_id=pk).order_by("role", "name", "pk").values_list("name", "role", "job_title")
    former = FormerName.objects.filter(studio_id=pk).order_by("-until", "-pk").values_list("name", "leader_name", "until")
    changes = (ChangeRequest.objects.filter(studio_id=pk).order_by("-requested_at", "-pk")
               .values_list("pk", "kind", "status", "requested_at", "requested_by__full_name"))
    results = StudioResult.objects.filter(studio_id=pk).order_by("-year", "pk").values_list("year", "kind", "title")
    trainings = TrainingRecord.objects.filter(studio_id=pk).order_by("-held_on", "pk").values_list(
        "held_on", "kind", "title", "participants")
    alliances = (AllianceMembership.objects.filter(studio_id=pk).order_by("alliance__name")
                 .values_list("alliance_id", "alliance__name", "alliance__lead__name", "joined_on"))
    return text(studio, rows(members), rows(former), rows(changes), history(Studio, pk), rows(results),
                rows(trainings), rows(alliances))


@signed_in
def application_list(request):
    """The application list's rows: its scope, its state and round filters, its search, its model's order."""
    queryset = scoped(request.user, Application.objects)
    status = request.GET.get("status", "")
    if status:
        queryset = queryset.filter(status=status)
    round_id = request.GET.get("round", "")
    if round_id.isdigit():
        queryset = queryset.filter(naming_round_id=int(round_id))
    queryset = search.applications(queryset, request.GET.get("q", ""))
    columns = ("pk", "leader_name", "status", "naming_round__year", "unit__name", "unit__recommending_union__name")
    rounds = scoped(request.user, NamingRound.objects).values_list("pk", "year")  # the round filter's choices
    return text(*page_of(request, queryset.order_by(*Application._meta.ordering).values_list(*columns)), rows(rounds))


@signed_in
def application_detail(request, pk):
    """The sections of the application's page: the application, its members, results, attachments, site visits
    and history."""
    application = rows(scoped(request.user, Application.objects).filter(pk=pk).values_list(
        "pk", "leader_name", "status", "naming_round__year", "unit__name", "unit__recommending_union__name"))
    if not application:
        raise Http404
    members = ApplicationMember.objects.filter(application_id=pk).order_by("pk").values_list("name", "role")
    results = ApplicationResult.objects.filter(application_id=pk).order_by("pk").values_list("year", "kind", "title")
    attachments = (ApplicationAttachment.objects.filter(application_id=pk).order_by("kind", "uploaded_at", "pk")
                   .values_list("pk", "kind", "original_name", "uploaded_at"))
    visits = SiteVisit.objects.filter(application_id=pk).order_by("visited_on", "pk").values_list(
        "visited_on", "visitors", "findings")
    return text(application, rows(members), rows(results), rows(attachments), rows(visits),
                history(Application, pk))


def registry(request):
    """The public registry's rows with their published results and alliances (what its prefetches fetch)."""
    queryset = Studio.objects.filter(status__in=TITLED_STATES).order_by("-named_year", "name", "pk")
    year = request.GET.get("year", "")
    if year.isdigit():
        queryset = queryset.filter(named_year=int(year))
    studios, count = page_of(request, queryset.values_list(*STUDIO_COLUMNS))
    # with the count, the alliances its filter offers
    return text(studios, *_published(row[0] for row in studios), count, rows(public_alliance_choices()))


def registry_studio(request, pk):
    studio = rows(Studio.objects.filter(status__in=TITLED_STATES, pk=pk).values_list(*STUDIO_COLUMNS))
    if not studio:
        raise Http404
    return text(studio, *_published([pk]))


def _published(ids):
    ids = list(ids)
    results = (StudioResult.objects.filter(studio_id__in=ids, published=True).order_by("-year", "pk")
               .values_list("studio_id", "year", "title"))
    alliances = (AllianceMembership.objects.filter(studio_id__in=ids).order_by("alliance__name")
                 .values_list("studio_id", "alliance__name"))
    return rows(results), rows(alliances)


@require_POST
@signed_in
def change_agree(request, pk):
    """The review's writes: lock the request within the user's scope, check its state, move it on, log it."""
    union_path = rows(scoped(request.user, ChangeRequest.objects).filter(pk=pk).values_list("studio__unit__path"))
    if not union_path:
        raise Http404
    with transaction.atomic(), connection.cursor() as cursor:
        locked = ChangeRequest.objects.select_for_update(of=("self",)).filter(pk=pk).values_list(
            "status", "studio_id", "studio__unit_id", "studio__status")
        status, studio, unit, studio_status = rows(locked)[0]
        if status != ChangeStatus.SUBMITTED or request.POST.get("from_status") != status:
            return HttpResponse("conflict\n", status=409, content_type="text/plain; charset=utf-8")
        cursor.execute("UPDATE studios_changerequest SET status = %s WHERE id = %s", [ChangeStatus.RECOMMENDED, pk])
        cursor.execute(
            "INSERT INTO core_transitionlog (content_type_id, object_id, union_id, transition, label, source, target,"
            " actor_id, comment, at) VALUES (%s, %s, %s, 'change_review', %s, %s, %s, %s, %s, %s)",
            [ContentType.objects.get_for_model(Studio).pk, studio, unit, "推荐单位审核同意变更", studio_status,
             studio_status, request.user.pk, request.POST.get("comment", ""), timezone.now()])
    return HttpResponseRedirect(f"/studios/{studio}/")
