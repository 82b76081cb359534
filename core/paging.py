from django.conf import settings
from django.core.paginator import Paginator


def paginate(request, queryset, per_page=None):
    """One page of `queryset` for ?page=N; a bad or too large N gives the nearest valid page."""
    paginator = Paginator(queryset, per_page or settings.PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))
