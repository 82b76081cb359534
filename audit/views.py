from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exports import Column, xlsx_response
from core.lists import render_list

from . import selectors
from .filters import AuditEntryFilter
from .permissions import can_view_audit


def _filtered(request):
    if not can_view_audit(request.user):
        raise PermissionDenied
    return AuditEntryFilter(request.GET, queryset=selectors.entry_list())


@login_required
def entry_list(request):
    filterset = _filtered(request)
    query = request.GET.copy()
    query.pop("cursor", None)  # the export takes the filters, not the page
    return render_list(request, filterset, "audit/entry_list.html", "audit/_entry_table.html",
                       {"query": query.urlencode()})


@login_required
def entry_export(request):
    """The entries found, all of them, in Excel; the export is itself an entry."""
    filterset = _filtered(request)
    columns = [Column(_("序号"), 10), Column(_("时间"), 18), Column(_("用户名"), 14), Column(_("IP 地址"), 16),
               Column(_("操作"), 12), Column(_("操作明细"), 16), Column(_("对象类型"), 14), Column(_("对象"), 36),
               Column(_("结果"), 8), Column(_("详情"), 50)]

    def rows():
        for entry in filterset.qs.iterator(chunk_size=2000):
            yield [entry.seq, entry.time, entry.username, entry.ip, entry.get_action_display(), entry.operation,
                   entry.content_type.name if entry.content_type else "", entry.object_repr,
                   entry.get_result_display(), entry.detail]

    filename = _("审计记录_%(date)s.xlsx") % {"date": f"{timezone.localdate():%Y%m%d}"}
    return xlsx_response(filename, _("审计记录"), columns, rows())
