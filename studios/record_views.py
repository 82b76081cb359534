"""Adding and removing a studio's members, results and training records, from its page."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reviews.views.common import report_errors, submit_form
from unions.permissions import is_unit_staff_of, sees_personal_data

from . import record_services, selectors
from .forms import LeaderIdentityForm, MemberForm, ResultForm, TrainingForm
from .leaders import leader_identity_update, require_titled

ADD = {
    "result": (ResultForm, record_services.result_add, _("已登记创新成果。")),
    "training": (TrainingForm, record_services.training_add, _("已登记培训交流记录。")),
    "member": (MemberForm, record_services.member_add, _("已增加团队成员。")),
}


@require_POST
@login_required
def record_add(request, pk, what):
    studio = selectors.studio_detail(request.user, pk)
    if what not in ADD:
        raise Http404
    if not is_unit_staff_of(request.user, studio):  # the role first: 403 whatever was posted (第五条(七))
        raise PermissionDenied
    form_class, service, success = ADD[what]
    form = form_class(request.POST, prefix=what)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}：{error}" if label else error)
        return redirect("studios:detail", pk)
    try:
        service(request.user, studio, **form.cleaned_data)
    except ValidationError as error:
        report_errors(request, error)
    else:
        messages.success(request, success)
    return redirect("studios:detail", pk)


@require_POST
@login_required
def record_remove(request, pk, what, record_pk):
    studio = selectors.studio_detail(request.user, pk)
    if what not in record_services.RECORDS:
        raise Http404
    model = record_services.RECORDS[what][0]
    record = model.objects.filter(studio=studio, pk=record_pk).select_related("studio").first()
    if record is None:
        raise Http404
    try:
        record_services.record_remove(request.user, what, record)
    except ValidationError as error:
        report_errors(request, error)
    else:
        messages.success(request, _("已删除。"))
    return redirect("studios:detail", pk)


@login_required
def leader_identity(request, pk):
    """The leader's 身份证号 and mobile, corrected by those who keep them (unions.permissions.sees_personal_data).
    POST only: the numbers never travel in a URL."""
    studio = selectors.studio_detail(request.user, pk)
    if not sees_personal_data(request.user, studio):
        raise PermissionDenied
    require_titled(studio)
    form = LeaderIdentityForm(request.POST or None, initial={"id_number": studio.leader.id_number,
                                                             "mobile": studio.leader.mobile})
    if request.method == "POST" and form.is_valid():
        if submit_form(request, form, lambda data: leader_identity_update(request.user, studio, **data),
                       _("已更正领衔人的身份证号和手机号。")):
            return redirect("studios:detail", pk)
    return render(request, "studios/leader_identity.html", {"studio": studio, "form": form})
