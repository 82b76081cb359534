from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from core.paging import paginate

from . import selectors
from .filters import StudioFilter


@login_required
def studio_list(request):
    filterset = StudioFilter(request.GET, queryset=selectors.studio_list(request.user), user=request.user)
    page = paginate(request, filterset.qs)
    template = "studios/_studio_table.html" if request.htmx else "studios/studio_list.html"
    return render(request, template, {"filter": filterset, "page": page})


@login_required
def studio_detail(request, pk):
    studio = selectors.studio_detail(request.user, pk)
    return render(request, "studios/studio_detail.html", {
        "studio": studio,
        "members": selectors.studio_members(studio),
    })
