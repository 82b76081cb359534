"""The public registry of named municipal studios (第六条), which is also the showcase of 第十九条:
each titled studio with its published results and its alliances (第十七条). No login; titled studios only."""
from django.shortcuts import render

from core import search
from core.lists import paginate
from core.replica import reads_replica

from . import selectors


@reads_replica  # public pages: a moment's replication lag shows nobody a stale change of their own
def registry(request):
    studios = selectors.registry_studios()
    studios = search.studios(studios, request.GET.get("q", ""))
    year = request.GET.get("year", "")
    if year.isdigit():
        studios = studios.filter(named_year=int(year))
    alliance = request.GET.get("alliance", "")
    if alliance.isdigit():
        studios = studios.filter(alliances=int(alliance))  # one row per studio: a studio joins an alliance once
    return render(request, "public/registry.html", {
        "page": paginate(request, studios), "alliances": selectors.public_alliance_choices()})


@reads_replica
def studio(request, pk):
    return render(request, "public/studio.html", {"studio": selectors.registry_studio(pk)})


@reads_replica
def alliance_list(request):
    return render(request, "public/alliance_list.html", {"page": paginate(request, selectors.public_alliances())})


@reads_replica
def alliance_detail(request, pk):
    alliance = selectors.public_alliance_detail(pk)
    return render(request, "public/alliance_detail.html", {
        "alliance": alliance, "projects": selectors.public_alliance_projects(alliance)})
