from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exports import Column, xlsx_response
from assessments import selectors as assessment_selectors
from subsidies import selectors as subsidy_selectors
from core.history import hide_reviewers, timeline
from core.lists import render_list
from core.replica import reads_replica
from unions.permissions import is_municipal_staff, is_unit_staff_of, sees_personal_data

from . import selectors
from .filters import StudioFilter
from .forms import MemberForm, ResultForm, TrainingForm
from .models import OPEN_CHANGE_STATES
from .permissions import change_actions


@login_required
def studio_list(request):
    filterset = StudioFilter(request.GET, queryset=selectors.studio_list(request.user), user=request.user)
    return render_list(request, filterset, "studios/studio_list.html", "studios/_studio_table.html",
                       {"can_import": is_municipal_staff(request.user)})


@login_required
@reads_replica  # the largest read there is (the whole registry); it writes only its audit entry, on the primary
def studio_export(request):
    """The studio list as Excel, with the same search and filters as on the page."""
    filterset = StudioFilter(request.GET, queryset=selectors.studio_list(request.user), user=request.user)
    columns = [Column(_("工作室名称"), 36), Column(_("领衔人"), 10), Column(_("所在单位"), 34),
               Column(_("推荐单位"), 24), Column(_("命名年度"), 10), Column(_("命名文号"), 20), Column(_("状态"), 10),
               Column(_("专业领域"), 18), Column(_("组建日期"), 12), Column(_("成员人数"), 10),
               # masked unless the user may read them (unions.permissions.sees_personal_data)
               Column(_("领衔人身份证号"), 22), Column(_("领衔人手机号"), 14)]
    filename = _("创新工作室名录_%(date)s.xlsx") % {"date": f"{timezone.localdate():%Y%m%d}"}
    return xlsx_response(filename, _("创新工作室"), columns, selectors.studio_export_rows(filterset.qs, request.user))


@login_required
def studio_detail(request, pk):
    studio = selectors.studio_detail(request.user, pk)
    changes = list(selectors.studio_changes(studio))
    return render(request, "studios/studio_detail.html", {
        "studio": studio,
        "members": selectors.studio_members(studio),
        "former_names": studio.former_names.all(),
        "changes": [(change, change_actions(request.user, change)) for change in changes],
        "delisting": getattr(studio, "delisting", None),  # loaded with the studio (one to one)
        "history": hide_reviewers(timeline(studio), show=is_municipal_staff(request.user)),
        "can_request_change": (is_unit_staff_of(request.user, studio) and studio.holds_title
                               and not any(c.status in OPEN_CHANGE_STATES for c in changes)),
        "can_delist": is_municipal_staff(request.user) and studio.holds_title,
        "can_edit_leader": sees_personal_data(request.user, studio) and studio.holds_title,
        "results": studio.results.all(),
        "trainings": studio.trainings.all(),
        "alliances": selectors.studio_alliances(studio),
        "record_forms": ({"member": MemberForm(prefix="member"), "result": ResultForm(prefix="result"),
                          "training": TrainingForm(prefix="training")}
                         if is_unit_staff_of(request.user, studio) and studio.holds_title else None),
    })


@login_required
def studio_record(request, pk):
    """The studio's grades, rectifications, recommendations and grants: loaded into its page after the page
    itself (htmx), which keeps the page within the query budget (docs/performance.md)."""
    studio = selectors.studio_detail(request.user, pk)
    return render(request, "studios/_record.html", {
        "studio": studio, **assessment_selectors.studio_assessments(studio), **subsidy_selectors.studio_subsidy(studio)})
