from django import forms
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from core.widgets import IsoDateInput
from reviews.models import ExpertPanel
from studios.models import StudioResult
from unions.models import User

from .models import (
    CYCLE_DIMENSIONS, DIMENSIONS, AnnualReport, CycleEvaluation, CycleGrade, EvaluationStatus, Honour, Rating,
)


class AnnualReportForm(forms.ModelForm):
    class Meta:
        model = AnnualReport
        fields = ["operation", "results", "training", "funding", "plan"]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in fields}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False  # a draft may be partial; submitting checks completeness (the service)


class AnnualAssessmentForm(forms.Form):
    comment = forms.CharField(label=_("考核意见"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field, label in DIMENSIONS:
            self.fields[field] = forms.ChoiceField(label=label, choices=Rating.choices, widget=forms.RadioSelect)
        self.order_fields([f for f, _label in DIMENSIONS] + ["comment"])


class CycleOpenForm(forms.Form):
    """第十条: the year and the steps' deadlines (defaults from the rule set's phase lengths)."""

    year = forms.IntegerField(label=_("考核年度"), min_value=2022, max_value=2100)
    self_deadline = forms.DateField(label=_("工作室自评截止日"), widget=IsoDateInput())
    evaluation_deadline = forms.DateField(label=_("推荐单位评价和初审推荐截止日"), widget=IsoDateInput())
    expert_deadline = forms.DateField(label=_("专家评审截止日"), widget=IsoDateInput())
    notes = forms.CharField(label=_("说明"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class SelfEvaluationForm(forms.Form):
    self_summary = forms.CharField(label=_("自评报告"), required=False, max_length=20000,
                                   widget=forms.Textarea(attrs={"rows": 6}),
                                   help_text=_("规范化运作、创新创效、示范引领等情况（第十条）"))
    self_grade = forms.ChoiceField(label=_("自评等次"), required=False,
                                   choices=[("", "—"), *CycleGrade.choices])


class CycleEvaluationForm(forms.Form):
    evaluation_comment = forms.CharField(label=_("推荐单位评价意见"), max_length=4000,
                                         widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field, label in CYCLE_DIMENSIONS:
            self.fields[field] = forms.ChoiceField(label=label, choices=Rating.choices, widget=forms.RadioSelect)
        self.order_fields([f for f, _label in CYCLE_DIMENSIONS] + ["evaluation_comment"])


class StartExpertReviewForm(forms.Form):
    panel = forms.ModelChoiceField(label=_("专家评审组"), queryset=ExpertPanel.objects.none(),
                                   help_text=_("沿用命名评审的专家评审组（第十条：市总工会组织专家评审）"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["panel"].queryset = ExpertPanel.objects.select_related("naming_round").annotate(
            size=Count("experts")).filter(size__gt=0).order_by("-naming_round__year")
        self.fields["panel"].label_from_instance = lambda p: _("%(panel)s（%(n)d 位专家）") % {
            "panel": p, "n": p.size}


class AssignExpertForm(forms.Form):
    expert = forms.ModelChoiceField(label=_("评审专家"), queryset=User.objects.none())

    def __init__(self, *args, panel, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expert"].queryset = panel.experts.filter(is_active=True).order_by("full_name")
        self.fields["expert"].label_from_instance = lambda u: u.display_name


class CycleReviewForm(forms.Form):
    total = forms.DecimalField(label=_("得分（满分 100）"), min_value=0, max_value=100, max_digits=4, decimal_places=1)
    comment = forms.CharField(label=_("评审意见"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class DecisionForm(forms.Form):
    """集体研究: the meeting, then a grade (and a note where needed) for each studio."""

    meeting_date = forms.DateField(label=_("集体研究日期"), widget=IsoDateInput())
    minutes_ref = forms.CharField(label=_("会议纪要编号"), max_length=100)

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            pk = row["evaluation"].pk
            self.fields[f"grade_{pk}"] = forms.ChoiceField(
                label=_("考核等次"), choices=row["choices"], initial=row["proposed"])
            self.fields[f"note_{pk}"] = forms.CharField(label=_("集体研究意见"), required=False, max_length=4000,
                                                        widget=forms.Textarea(attrs={"rows": 1}))
            row["grade_field"], row["note_field"] = self[f"grade_{pk}"], self[f"note_{pk}"]

    def grades(self):
        return {row["evaluation"].pk: {"grade": self.cleaned_data.get(f"grade_{row['evaluation'].pk}"),
                                       "note": self.cleaned_data.get(f"note_{row['evaluation'].pk}", "")}
                for row in self.rows}


class RectificationReportForm(forms.Form):
    report = forms.CharField(label=_("整改情况报告"), max_length=20000, widget=forms.Textarea(attrs={"rows": 6}))
    evidence = forms.FileField(label=_("整改证明材料"), required=False,
                               help_text=_("PDF、图片、Word 或 Excel，不超过上传限制"))


class RecheckForm(forms.Form):
    passed = forms.TypedChoiceField(label=_("复查结论"), coerce=lambda v: v == "yes", widget=forms.RadioSelect,
                                    choices=[("yes", _("复查合格，恢复正常运行")),
                                             ("no", _("复查不合格，拟按第八条(四)摘牌"))])
    recheck_comment = forms.CharField(label=_("复查意见"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class ExtendForm(forms.Form):
    deadline = forms.DateField(label=_("新的整改期限"), widget=IsoDateInput())
    comment = forms.CharField(label=_("不予摘牌的理由"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))


class ConfirmDelistingForm(forms.Form):
    decision_number = forms.CharField(label=_("摘牌决定文号"), max_length=50, help_text=_("如 揭工总〔2026〕12号"))
    decided_on = forms.DateField(label=_("决定日期"), widget=IsoDateInput())
    facts = forms.CharField(label=_("事实和依据"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.FileField(label=_("证明材料"), required=False)


class RecommendationForm(forms.Form):
    """第十四条: one studio's recommendation, its grounds chosen among the studio's own record."""

    year = forms.IntegerField(label=_("年度"), min_value=2022, max_value=2100)
    honour = forms.ChoiceField(label=_("推荐申报"), choices=Honour.choices)
    nominee = forms.CharField(label=_("推荐人选"), required=False, max_length=50,
                              help_text=_("仅五一劳动奖章：领衔人或骨干成员的姓名"))
    result = forms.ModelChoiceField(label=_("推荐成果 / 依据成果"), required=False, queryset=StudioResult.objects.none())
    evaluation = forms.ModelChoiceField(label=_("依据：周期考核优秀"), required=False,
                                        queryset=CycleEvaluation.objects.none())
    grounds = forms.CharField(label=_("推荐理由"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, studio, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["result"].queryset = studio.results.order_by("-year", "pk")
        self.fields["result"].label_from_instance = lambda r: f"{r.year} {r.get_kind_display()}：{r.title}"
        self.fields["evaluation"].queryset = studio.cycle_evaluations.filter(
            status=EvaluationStatus.GRADED, grade=CycleGrade.EXCELLENT).select_related("cycle")
        self.fields["evaluation"].label_from_instance = lambda e: _("%(y)d 年度周期考核优秀") % {"y": e.cycle.year}
