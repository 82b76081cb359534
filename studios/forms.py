"""Forms of a studio's changes (第七条) and delisting (第八条). The services check the rules; these check types."""
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.form_fields import ModelMultipleChoiceField
from core.personal_fields import IdNumberFormField, MobileFormField
from core.widgets import IsoDateInput

from .models import (
    ChangeKind, ChangeReason, ChangeStatus, DelistReason, Gender, HonourKind, JointProjectStatus, Member, Studio,
    StudioResult, TrainingRecord,
)


class ChangeRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("变更事项"), choices=ChangeKind.choices, widget=forms.RadioSelect)
    reason = forms.ChoiceField(label=_("原因"), choices=ChangeReason.choices)
    explanation = forms.CharField(label=_("情况说明"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    new_leader_name = forms.CharField(
        label=_("新领衔人姓名"), required=False, max_length=50,
        help_text=_("更换领衔人时填写新领衔人；更改名称时填写领衔人变更后的姓名。工作室名称按第六条随之变为“姓名+劳模和工匠人才创新工作室”。"))
    new_leader_gender = forms.ChoiceField(label=_("性别"), choices=[("", "—"), *Gender.choices], required=False)
    new_leader_job_title = forms.CharField(label=_("职务/岗位"), required=False, max_length=100)
    new_leader_honour = forms.ChoiceField(label=_("荣誉称号"), choices=[("", "—"), *HonourKind.choices],
                                          required=False, help_text=_("更换领衔人时必填（第五条(一)）。"))
    new_leader_honour_year = forms.IntegerField(label=_("获评年份"), required=False, min_value=1950, max_value=2100)
    new_leader_id_number = IdNumberFormField(label=_("身份证号"), help_text=_("更换领衔人时必填（18 位，GB 11643-1999）。"))
    new_leader_mobile = MobileFormField(label=_("手机号"), help_text=_("更换领衔人时必填。"))
    evidence = forms.FileField(label=_("证明材料"), help_text=_("离职、退休证明或单位工会申请函等；PDF、图片或 Office 文件，不超过 20 MB。"))


class ChangeActionForm(forms.Form):
    from_status = forms.ChoiceField(choices=ChangeStatus.choices, widget=forms.HiddenInput)
    comment = forms.CharField(label=_("意见"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    decision_number = forms.CharField(label=_("决定文号"), required=False, max_length=50)


class DelistForm(forms.Form):
    reason = forms.ChoiceField(label=_("摘牌情形（第八条）"), choices=DelistReason.choices, widget=forms.RadioSelect)
    facts = forms.CharField(label=_("事实和依据"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
    decision_number = forms.CharField(label=_("决定文号"), max_length=50,
                                      widget=forms.TextInput(attrs={"placeholder": "揭工总〔2026〕12号"}))
    decided_on = forms.DateField(label=_("决定日期"), initial=timezone.localdate,
                                 widget=IsoDateInput())
    evidence = forms.FileField(label=_("证明材料"), required=False)


class ResultForm(forms.ModelForm):
    class Meta:
        model = StudioResult
        fields = ["year", "kind", "title", "patent_number", "level", "issuing_body", "published"]


class TrainingForm(forms.ModelForm):
    class Meta:
        model = TrainingRecord
        fields = ["held_on", "kind", "title", "participants"]
        widgets = {"held_on": IsoDateInput()}


class MemberForm(forms.ModelForm):
    class Meta:
        model = Member
        fields = ["name", "role", "job_title", "mobile", "joined_on"]
        widgets = {"joined_on": IsoDateInput()}


class LeaderIdentityForm(forms.Form):
    """Correcting the leader's identity number and mobile (studios.leaders.leader_identity_update)."""

    id_number = IdNumberFormField(label=_("身份证号"), required=True)
    mobile = MobileFormField(label=_("手机号"), required=True)


# A type="date" input only accepts ISO dates, whatever the language of the page.


class AllianceForm(forms.Form):
    """第十七条: an alliance of titled studios; `leads` are the studios that may lead it."""

    name = forms.CharField(label=_("联盟名称"), max_length=100,
                           widget=forms.TextInput(attrs={"placeholder": _("如 揭阳市智能制造创新工作室联盟")}))
    field = forms.CharField(label=_("专业领域"), max_length=100)
    lead = forms.ModelChoiceField(label=_("领衔工作室"), queryset=Studio.objects.none(),
                                  help_text=_("须为持有市级称号的创新工作室；编辑时只能从联盟成员中选择。"))
    founded_on = forms.DateField(label=_("成立日期"), initial=timezone.localdate,
                                 widget=IsoDateInput())
    description = forms.CharField(label=_("联盟简介和目标"), required=False, max_length=4000,
                                  widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, leads, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = leads


class AllianceMemberForm(forms.Form):
    studio = forms.ModelChoiceField(label=_("工作室"), queryset=Studio.objects.none(),
                                    help_text=_("只列出持有市级称号且尚未加入本联盟的工作室（第十七条）。"))
    joined_on = forms.DateField(label=_("加入日期"), initial=timezone.localdate,
                                widget=IsoDateInput())

    def __init__(self, *args, studios, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["studio"].queryset = studios


class JointProjectForm(forms.Form):
    title = forms.CharField(label=_("项目名称"), max_length=200)
    year = forms.IntegerField(label=_("立项年度"), min_value=2000, max_value=2100,
                              initial=lambda: timezone.localdate().year)
    participants = ModelMultipleChoiceField(label=_("参与工作室"), queryset=Studio.objects.none(),
                                                  widget=forms.CheckboxSelectMultiple,
                                                  help_text=_("至少两个本联盟的成员工作室。"))
    status = forms.ChoiceField(label=_("进展"), choices=JointProjectStatus.choices)
    description = forms.CharField(label=_("攻关内容"), required=False, max_length=4000,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    outcome = forms.CharField(label=_("取得成果"), required=False, max_length=4000,
                              widget=forms.Textarea(attrs={"rows": 3}), help_text=_("已完成的项目必填。"))

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = members
