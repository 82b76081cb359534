from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from core.lists import render_list
from studios.selectors import studio_list

from . import selectors
from .filters import UnionFilter


# The detail page previews this many children and studios, then links to the full lists.
PREVIEW_ROWS = 20


@login_required
def union_list(request):
    filterset = UnionFilter(request.GET, queryset=selectors.union_list(request.user))
    return render_list(request, filterset, "unions/union_list.html", "unions/_union_table.html")


@login_required
def union_detail(request, pk):
    union = selectors.union_detail(request.user, pk)
    return render(request, "unions/union_detail.html", {
        "union": union,
        "ancestors": selectors.union_ancestors(union),
        "children": selectors.union_children(request.user, union)[:PREVIEW_ROWS],
        "studios": studio_list(request.user).filter(unit__path__startswith=union.path)[:PREVIEW_ROWS],
        "users": selectors.union_users(request.user, union),
    })
