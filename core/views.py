from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.utils.http import url_has_allowed_host_and_scheme

from . import notifications, outbox, statistics
from .dashboard import cards_for
from .exports import Column, xlsx_response
from .health import broker_state, database_state
from .lists import paginate
from .scoped_cache import cached_count


@login_required
def dashboard(request):
    user = request.user
    figures = None
    if statistics.can_see_statistics(user):
        year = statistics.assessment_year(request.GET.get("year"))
        figures = cached_count(user, "statistics", lambda: statistics.city_statistics(user, year), year)
    return render(request, "core/dashboard.html", {"cards": cards_for(user), "statistics": figures})


@login_required
def statistics_export(request, table):
    """The dashboard's statistics tables as Excel, the completion rate as a real percentage."""
    if not statistics.can_see_statistics(request.user):
        raise PermissionDenied
    year = statistics.assessment_year(request.GET.get("year"))
    rate = Column(_("年度考核完成率"), 14, "0.0%")
    if table == "unions":
        rows = statistics.by_recommending_union(request.user, year)
        columns = [Column(_("推荐单位"), 26), Column(_("命名总数"), 10), Column(_("正常运行"), 10),
                   Column(_("限期整改"), 10), Column(_("已取消"), 10), Column(_("已摘牌"), 10),
                   Column(_("%(y)d年度应考核") % {"y": year}, 14), Column(_("已报送市总"), 12), rate]
        cells = [[r.label, r.named, r.active, r.rectifying, r.cancelled, r.delisted, r.expected, r.reported, r.rate]
                 for r in [*rows, statistics.total(rows)]]
        filename = _("创新工作室统计（按推荐单位，%(y)d年度考核）.xlsx") % {"y": year}
        return xlsx_response(filename, _("按推荐单位"), columns, cells)
    if table == "years":
        rows = statistics.by_named_year(request.user)
        columns = [Column(_("命名年度"), 10), Column(_("命名数"), 10), Column(_("正常运行"), 10), Column(_("限期整改"), 10),
                   Column(_("已取消或摘牌"), 14), Column(_("当年应考核"), 12), Column(_("已报送市总"), 12), rate]
        cells = [[r.label, r.named, r.active, r.rectifying, r.ended, r.expected, r.reported, r.rate]
                 for r in [*rows, statistics.total(rows)]]
        return xlsx_response(_("创新工作室统计（按命名年度）.xlsx"), _("按命名年度"), columns, cells)
    raise Http404


@require_GET
@never_cache
def healthz(request):
    """503 only when the database is down (nothing works then); a broker that is down or e-mails that are late or
    given up on make it "degraded": the pages work, and the outbox delivers once the cause is fixed."""
    database = database_state()
    broker = broker_state()
    mail = outbox.state() if database["ok"] else {"ok": False}
    status = 200 if database["ok"] else 503
    return JsonResponse({"status": "ok" if database["ok"] and broker["ok"] and mail["ok"] else "degraded",
                         "database": database, "broker": broker, "outbox": mail}, status=status)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change.html"
    success_url = reverse_lazy("dashboard")

    @transaction.atomic  # the new password and the message to its owner together, or neither
    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.user
        when = timezone.localtime().strftime("%Y-%m-%d %H:%M")
        # Tell the owner, so a change they did not make is noticed.
        notifications.notify(
            [user],
            _("密码已修改"),
            _("%(name)s：您的账号 %(username)s 的密码已于 %(when)s 修改。如非本人操作，请立即联系系统管理员。")
            % {"name": user.display_name, "username": user.username, "when": when},
        )
        messages.success(self.request, _("密码已修改。"))
        return response


@login_required
def inbox(request):
    page = paginate(request, notifications.inbox(request.user))
    return render(request, "core/_inbox_list.html" if request.htmx else "core/inbox.html", {"page": page})


@require_POST
@login_required
def inbox_open(request, pk):
    """Marks a message read and follows its link (only a link inside this site)."""
    message = get_object_or_404(notifications.inbox(request.user), pk=pk)
    notifications.mark_read(request.user, pk)
    if message.url and url_has_allowed_host_and_scheme(message.url, allowed_hosts={request.get_host()}):
        return redirect(message.url)
    return redirect("inbox")


@require_POST
@login_required
def inbox_read_all(request):
    count = notifications.mark_read(request.user)
    messages.success(request, _("已将 %(n)d 条消息标为已读。") % {"n": count})
    return redirect("inbox")
