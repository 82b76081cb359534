"""Pages of the studio alliances (第十七条). Anyone who sees an alliance may read it; municipal staff change it."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.history import timeline
from core.lists import render_list
from reviews.views.common import add_form_errors, report_errors
from unions.permissions import is_municipal_staff

from . import alliance_services as services
from . import selectors
from .filters import AllianceFilter
from .forms import AllianceForm, AllianceMemberForm, JointProjectForm
from .models import TITLED_STATES, Studio


@login_required
def alliance_list(request):
    filterset = AllianceFilter(request.GET, queryset=selectors.alliance_list(request.user))
    return render_list(request, filterset, "studios/alliance_list.html", "studios/_alliance_table.html",
                       {"can_manage": is_municipal_staff(request.user)})


@login_required
def alliance_detail(request, pk):
    alliance = selectors.alliance_detail(request.user, pk)
    members = list(selectors.alliance_members(alliance))
    # Links only to the studios the user may open; the others are shown by name.
    openable = set(selectors.scoped_studio_ids(request.user, [m.studio_id for m in members]))
    return render(request, "studios/alliance_detail.html", {
        "alliance": alliance,
        "members": [(m, m.studio_id in openable) for m in members],
        "projects": selectors.alliance_projects(alliance),
        "history": timeline(alliance),
        "can_manage": is_municipal_staff(request.user),
    })


def _managed(request, pk):
    """The alliance, if the user may see it (else 404) and manage it (else 403)."""
    alliance = selectors.alliance_detail(request.user, pk)
    if not is_municipal_staff(request.user):
        raise PermissionDenied
    return alliance


def _form_page(request, form, service, success, alliance=None, **context):
    """Runs the service on a valid form: back to the alliance when done, else the form again with its errors."""
    if request.method == "POST" and form.is_valid():
        args = (request.user,) if alliance is None else (request.user, alliance)
        try:
            result = service(*args, **form.cleaned_data)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, success)
            return redirect("alliances:detail", (alliance or result).pk)
    return render(request, "studios/alliance_form.html", {"form": form, "alliance": alliance, **context})


@login_required
def alliance_new(request):
    if not is_municipal_staff(request.user):
        raise PermissionDenied
    form = AllianceForm(request.POST or None, leads=selectors.titled_studios())
    return _form_page(request, form, services.alliance_create, _("工作室联盟已成立（第十七条）。"),
                      title=_("组建工作室联盟"))


@login_required
def alliance_edit(request, pk):
    alliance = _managed(request, pk)
    initial = {"name": alliance.name, "field": alliance.field, "lead": alliance.lead_id,
               "founded_on": alliance.founded_on, "description": alliance.description}
    # A lead is chosen among the members; the current one stays selectable even after a delisting.
    leads = Studio.objects.filter(alliance_memberships__alliance=alliance).order_by("name")
    form = AllianceForm(request.POST or None, initial=initial, leads=leads)
    return _form_page(request, form, services.alliance_update, _("联盟信息已保存。"), alliance,
                      title=_("编辑联盟"))


@login_required
def member_add(request, pk):
    alliance = _managed(request, pk)
    studios = selectors.titled_studios().exclude(alliance_memberships__alliance=alliance)
    form = AllianceMemberForm(request.POST or None, studios=studios)
    return _form_page(request, form, services.alliance_member_add, _("工作室已加入联盟。"), alliance,
                      title=_("增加成员工作室"))


@login_required
def project_add(request, pk):
    alliance = _managed(request, pk)
    members = Studio.objects.filter(alliance_memberships__alliance=alliance, status__in=TITLED_STATES).order_by("name")
    form = JointProjectForm(request.POST or None, members=members)
    return _form_page(request, form, services.joint_project_add, _("已登记联合攻关项目。"), alliance,
                      title=_("登记联合攻关项目"))


@require_POST
@login_required
def member_remove(request, pk, studio_pk):
    alliance = _managed(request, pk)
    studio = get_object_or_404(Studio, pk=studio_pk)
    try:
        services.alliance_member_remove(request.user, alliance, studio=studio)
    except ValidationError as error:
        report_errors(request, error)
    else:
        messages.success(request, _("“%(s)s”已退出联盟。") % {"s": studio})
    return redirect("alliances:detail", alliance.pk)
