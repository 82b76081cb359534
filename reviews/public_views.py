"""Public pages (no login): the publicity notice and its objection form (第六条: 社会公示)."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from . import decision_services, selectors
from .forms import ObjectionForm
from .models import ObjectionChannel
from .views.common import add_form_errors


def publicity_index(request):
    rounds = list(selectors.publicity_rounds())
    return render(request, "public/publicity_index.html", {"rounds": rounds})


def publicity_detail(request, pk):
    naming_round = get_object_or_404(selectors.publicity_rounds(), pk=pk)
    applications = selectors.publicity_applications(naming_round)
    form = ObjectionForm(request.POST or None, request.FILES or None, applications=applications)
    is_open = decision_services.publicity_open(naming_round)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            decision_services.objection_submit(data.pop("application"), channel=ObjectionChannel.ONLINE, **data)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("您的异议已收到。市总工会将进行核实，并通过您留下的联系方式反馈。"))
            return redirect("public:publicity_detail", pk)
    return render(request, "public/publicity_detail.html", {
        "round": naming_round, "applications": applications, "form": form, "is_open": is_open,
    })
