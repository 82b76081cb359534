from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from core.lists import render_list

from . import selectors
from .filters import StudioFilter


@login_required
def studio_list(request):
    filterset = StudioFilter(request.GET, queryset=selectors.studio_list(request.user), user=request.user)
    return render_list(request, filterset, "studios/studio_list.html", "studios/_studio_table.html")


@login_required
def studio_detail(request, pk):
    studio = selectors.studio_detail(request.user, pk)
    return render(request, "studios/studio_detail.html", {
        "studio": studio,
        "members": selectors.studio_members(studio),
    })
