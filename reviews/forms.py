from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.numbers import plain
from core.personal_fields import MobileFormField
from core.form_fields import ModelMultipleChoiceField
from core.widgets import IsoDateInput

from .models import (
    Application, ApplicationStatus, AttachmentKind, NamingRound, ObjectionChannel, ObjectorKind, ResultKind,
    ResultLevel, RoundPhase, SystemKind,
)


class RoundCreateForm(forms.ModelForm):
    class Meta:
        model = NamingRound
        fields = ["year", "application_deadline", "preliminary_deadline", "audit_deadline", "expert_deadline",
                  "decision_deadline", "notes"]
        widgets = {f: IsoDateInput() for f in fields if f.endswith("_deadline")} | {"notes": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"year": _("每年一批（第六条）。各阶段截止日按规则参数预填，可调整。")}

    def __init__(self, *args, deadlines=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year
        for field, value in (deadlines or {}).items():
            self.fields[field].initial = value


class RoundDeadlinesForm(forms.ModelForm):
    class Meta:
        model = NamingRound
        fields = ["application_deadline", "preliminary_deadline", "audit_deadline", "expert_deadline",
                  "decision_deadline"]
        widgets = {f: IsoDateInput() for f in fields}


class RoundAdvanceForm(forms.Form):
    """The phase the user saw travels with the form, so a stale or repeated submit is caught."""

    from_phase = forms.ChoiceField(choices=RoundPhase.choices, widget=forms.HiddenInput)
    comment = forms.CharField(label=_("说明（记入流转记录）"), required=False, max_length=1000,
                              widget=forms.Textarea(attrs={"rows": 2}))


class ApplicationForm(forms.ModelForm):
    """Every condition of 第五条 in one form; saving keeps it as a draft until it is submitted."""

    systems = forms.MultipleChoiceField(label=_("已建立的制度"), required=False, choices=SystemKind.choices,
                                        widget=forms.CheckboxSelectMultiple, help_text=_("第五条(四)"))

    class Meta:
        model = Application
        fields = ["leader_name", "leader_gender", "leader_id_number", "leader_mobile", "leader_job_title",
                  "leader_honour", "leader_honour_year", "leader_honour_body", "founded_on", "organisation", "venue_address", "venue_area", "equipment",
                  "has_plaque", "annual_plan", "systems", "systems_posted", "training", "funding", "demonstration",
                  "lower_naming", "lower_naming_date", "lower_naming_body", "not_rnd_declaration"]
        widgets = {
            "founded_on": IsoDateInput(), "lower_naming_date": IsoDateInput(),
            **{f: forms.Textarea(attrs={"rows": 3}) for f in
               ["organisation", "equipment", "annual_plan", "training", "funding", "demonstration"]},
        }

    # The sections of the form, each with the article it answers.
    SECTIONS = [
        (_("第五条(一) 领衔人与工作团队"), ["leader_name", "leader_gender", "leader_id_number", "leader_mobile",
                                      "leader_job_title", "leader_honour", "leader_honour_year",
                                      "leader_honour_body", "founded_on", "organisation"]),
        (_("第五条(二) 工作平台"), ["venue_address", "venue_area", "equipment", "has_plaque"]),
        (_("第五条(三)(四) 计划目标与工作制度"), ["annual_plan", "systems", "systems_posted"]),
        (_("第五条(五)(六) 培养机制与经费保障"), ["training", "funding"]),
        (_("第五条(八) 示范效应"), ["demonstration"]),
        (_("第五条 下级命名情况"), ["lower_naming", "lower_naming_date", "lower_naming_body"]),
        (_("第五条(九) 声明"), ["not_rnd_declaration"]),
    ]

    def sections(self):
        return [(title, [self[name] for name in names]) for title, names in self.SECTIONS]


class MemberForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    role = forms.CharField(label=_("团队分工"), max_length=50, required=False)
    job_title = forms.CharField(label=_("职务/岗位"), max_length=100, required=False)
    mobile = MobileFormField(label=_("手机号"), max_length=11)  # the form's contact list of the team


class ResultForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    # A blank first choice, so an untouched extra row stays empty and is ignored.
    kind = forms.ChoiceField(label=_("类别"), choices=[("", "—"), *ResultKind.choices])
    title = forms.CharField(label=_("成果名称"), max_length=200)
    patent_number = forms.CharField(label=_("专利号"), max_length=50, required=False)
    level = forms.ChoiceField(label=_("认可级别"), choices=[("", "—"), *ResultLevel.choices], required=False)
    issuing_body = forms.CharField(label=_("认可或授予机关"), max_length=100, required=False)


MemberFormSet = forms.formset_factory(MemberForm, extra=2, can_delete=True, max_num=50, validate_max=True)
ResultFormSet = forms.formset_factory(ResultForm, extra=2, can_delete=True, max_num=50, validate_max=True)


def filled_rows(formset):
    """The rows the user filled in and did not mark for deletion."""
    return [{k: v for k, v in f.cleaned_data.items() if k != "DELETE"} for f in formset.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")]


class ActionForm(forms.Form):
    from_status = forms.ChoiceField(choices=ApplicationStatus.choices, widget=forms.HiddenInput)
    comment = forms.CharField(label=_("意见"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("材料类别"), choices=AttachmentKind.choices)
    file = forms.FileField(label=_("文件"), help_text=_("PDF、JPG/PNG 图片或 Word、Excel、PowerPoint 文件，每个不超过 20 MB。"))


class PanelForm(forms.Form):
    experts = ModelMultipleChoiceField(label=_("评审专家"), queryset=None, widget=forms.CheckboxSelectMultiple,
                                             required=False)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["experts"].queryset = candidates
        self.fields["experts"].label_from_instance = lambda u: f"{u.display_name}（{u.union.name if u.union else '—'}，{u.title or '—'}）"


class AssignForm(forms.Form):
    application = forms.ModelChoiceField(label=_("申报"), queryset=None)
    expert = forms.ModelChoiceField(label=_("评审专家"), queryset=None)

    def __init__(self, *args, applications, experts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = applications
        self.fields["expert"].queryset = experts
        self.fields["expert"].label_from_instance = lambda u: u.display_name


class ScoreForm(forms.Form):
    """One field per criterion of the round's rubric, bounded by its maximum."""

    comment = forms.CharField(label=_("评审意见"), max_length=3000, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"c{criterion.pk}"] = forms.DecimalField(
                label=f"{criterion.name}（{plain(criterion.max_score)} 分）", min_value=0,
                max_value=criterion.max_score, decimal_places=1, max_digits=5,
                help_text=f"{criterion.article}：{criterion.description}")
        self.order_fields([f"c{c.pk}" for c in self.criteria] + ["comment"])

    def points(self):
        return {c.pk: self.cleaned_data[f"c{c.pk}"] for c in self.criteria}


class RecuseForm(forms.Form):
    reason = forms.CharField(label=_("回避原因"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("如与申报单位或领衔人有亲属、任职或利益关系。"))


class DeliberationForm(forms.Form):
    meeting_date = forms.DateField(label=_("会议日期"), widget=IsoDateInput())
    minutes_ref = forms.CharField(label=_("会议纪要编号"), max_length=100)
    shortlisted = ModelMultipleChoiceField(label=_("拟命名名单"), queryset=None,
                                                 widget=forms.CheckboxSelectMultiple, required=False)
    notes = forms.CharField(label=_("说明"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shortlisted"].queryset = candidates


class ObjectionForm(forms.Form):
    """The public objection form (第六条: 社会公示): real name and contact required, a unit attaches its letter."""

    application = forms.ModelChoiceField(label=_("异议对象"), queryset=None)
    objector_kind = forms.ChoiceField(label=_("异议人"), choices=ObjectorKind.choices, widget=forms.RadioSelect,
                                      initial=ObjectorKind.PERSON)
    objector_name = forms.CharField(label=_("真实姓名或单位名称"), max_length=100)
    # Checked by the service with the other fields (reviews.decision_services.objection_submit), so every
    # problem is listed at once.
    contact = forms.CharField(label=_("联系电话或电子邮箱"), max_length=100)
    facts = forms.CharField(label=_("异议事实"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))
    letter = forms.FileField(label=_("单位盖章函或证明材料"), required=False,
                             help_text=_("单位提出异议须上传加盖公章的函（PDF 或图片）。"))

    def __init__(self, *args, applications, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = applications


class StaffObjectionForm(ObjectionForm):
    channel = forms.ChoiceField(label=_("渠道"), choices=ObjectionChannel.choices)


class ObjectionHandleForm(forms.Form):
    upheld = forms.TypedChoiceField(label=_("核实结果"), coerce=lambda v: v == "1",
                                    choices=[("0", _("异议不成立")), ("1", _("异议成立，移出拟命名名单"))],
                                    widget=forms.RadioSelect)
    handling = forms.CharField(label=_("核实处理意见"), max_length=3000, widget=forms.Textarea(attrs={"rows": 2}))


class NamingForm(forms.Form):
    decision_number = forms.CharField(label=_("命名决定文号"), max_length=50,
                                      widget=forms.TextInput(attrs={"placeholder": "揭工总〔2026〕12号"}))
    decision_date = forms.DateField(label=_("成文日期"), widget=IsoDateInput())


class SiteVisitForm(forms.Form):
    visited_on = forms.DateField(label=_("考察日期"), widget=IsoDateInput())
    visitors = forms.CharField(label=_("考察人员"), max_length=200)
    findings = forms.CharField(label=_("考察情况"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3}))
