"""Forms of a studio's changes (第七条) and delisting (第八条). The services check the rules; these check types."""
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import (
    ChangeKind, ChangeReason, ChangeStatus, DelistReason, Gender, HonourKind, Member, StudioResult, TrainingRecord,
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
                                 widget=forms.DateInput(attrs={"type": "date"}))
    evidence = forms.FileField(label=_("证明材料"), required=False)


class ResultForm(forms.ModelForm):
    class Meta:
        model = StudioResult
        fields = ["year", "kind", "title", "patent_number", "level", "issuing_body", "published"]


class TrainingForm(forms.ModelForm):
    class Meta:
        model = TrainingRecord
        fields = ["held_on", "kind", "title", "participants"]
        widgets = {"held_on": forms.DateInput(attrs={"type": "date"})}


class MemberForm(forms.ModelForm):
    class Meta:
        model = Member
        fields = ["name", "role", "job_title", "joined_on"]
        widgets = {"joined_on": forms.DateInput(attrs={"type": "date"})}
