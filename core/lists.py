"""List pages: one filtered, paginated page, or just its table when htmx asks for it."""
from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import render


def paginate(request, queryset, per_page=None):
    """One page of `queryset` for ?page=N; a bad or too large N gives the nearest valid page."""
    paginator = Paginator(queryset, per_page or settings.PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))


def render_list(request, filterset, template, table_template, extra=None):
    """The whole page, or only the results table for an in-place (htmx) update."""
    context = {"filter": filterset, "page": paginate(request, filterset.qs), **(extra or {})}
    return render(request, table_template if request.htmx else template, context)


def render_paged(request, template, table_template, context):
    """Like render_list, for pages that filter by hand: the whole page, or its table for htmx."""
    return render(request, table_template if request.htmx else template, context)
