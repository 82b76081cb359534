"""The public registry of named municipal studios (第六条, 第十九条: 宣传先进事迹)."""
from django.db.models import Q
from django.shortcuts import render

from core.lists import paginate

from .models import TITLED_STATES, Studio


def registry(request):
    studios = (Studio.objects.filter(status__in=TITLED_STATES)
               .select_related("unit", "unit__recommending_union", "leader")
               .order_by("-named_year", "name", "pk"))
    text = request.GET.get("q", "").strip()
    if text:
        studios = studios.filter(Q(name__icontains=text) | Q(leader__name__icontains=text) | Q(unit__name__icontains=text))
    year = request.GET.get("year", "")
    if year.isdigit():
        studios = studios.filter(named_year=int(year))
    return render(request, "public/registry.html", {"page": paginate(request, studios)})
