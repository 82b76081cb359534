"""第十四条's list: recommended studios, people and results, the 优秀 studios waiting for a recommendation,
and the steps from proposal to outcome. The municipal union keeps it; units see their own studios' entries."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import search
from core.lists import paginate, render_paged
from reviews.views.common import add_form_errors, report_errors
from studios.models import TITLED_STATES, Studio
from unions.models import Role
from unions.permissions import is_municipal_staff

from . import recommendation_services as services
from . import selectors
from .forms import RecommendationForm
from .models import Honour, RecommendationStatus


@login_required
def recommendation_list(request):
    if request.user.role == Role.EXPERT:
        raise PermissionDenied
    recommendations = selectors.recommendation_list(request.user).order_by("-year", "honour", "pk")
    year, honour, status = request.GET.get("year", ""), request.GET.get("honour", ""), request.GET.get("status", "")
    query = request.GET.get("q", "").strip()
    if year.isdigit():
        recommendations = recommendations.filter(year=int(year))
    if honour in Honour.values:
        recommendations = recommendations.filter(honour=honour)
    if status in RecommendationStatus.values:
        recommendations = recommendations.filter(status=status)
    if query:
        recommendations = search.recommendations(recommendations, query)
    municipal = is_municipal_staff(request.user)
    return render_paged(request, "assessments/recommendation_list.html", "assessments/_recommendations.html", {
        "page": paginate(request, recommendations), "honours": Honour.choices, "statuses": RecommendationStatus.choices,
        "year": year, "honour": honour, "status": status, "q": query, "municipal": municipal,
        "candidates": selectors.excellent_candidates() if municipal else None,
        "titled_studios": Studio.objects.filter(status__in=TITLED_STATES).order_by("name") if municipal else None,
    })


@login_required
def recommendation_create(request):
    if not is_municipal_staff(request.user):
        raise PermissionDenied
    studio_pk = request.GET.get("studio", "")
    if not studio_pk.isdigit():
        return redirect("assessments:recommendation_list")
    studio = get_object_or_404(Studio.objects.select_related("leader", "unit"), pk=int(studio_pk))
    initial = {"year": timezone.localdate().year}
    evaluation = request.GET.get("evaluation", "")
    if evaluation.isdigit():
        initial["evaluation"] = int(evaluation)
    form = RecommendationForm(request.POST or None, studio=studio, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.recommendation_create(request.user, studio=studio, **form.cleaned_data)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("已列入推荐名单（拟推荐）。"))
            return redirect("assessments:recommendation_list")
    return render(request, "assessments/recommendation_form.html", {"form": form, "studio": studio})


@require_POST
@login_required
def recommendation_advance(request, pk, action):
    recommendation = get_object_or_404(selectors.recommendation_list(request.user), pk=pk)
    try:
        services.recommendation_advance(request.user, recommendation, action=action,
                                        from_status=request.POST.get("from_status", ""),
                                        note=request.POST.get("note", ""))
    except ValidationError as error:
        report_errors(request, error)
    else:
        messages.success(request, _("已更新推荐状态。"))
    return redirect(request.POST.get("next") if request.POST.get("next", "").startswith("/assessments/")
                    else "assessments:recommendation_list")
