from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import NamingRound, RoundPhase

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RoundCreateForm(forms.ModelForm):
    class Meta:
        model = NamingRound
        fields = ["year", "application_deadline", "preliminary_deadline", "audit_deadline", "expert_deadline",
                  "decision_deadline", "notes"]
        widgets = {f: DATE for f in fields if f.endswith("_deadline")} | {"notes": forms.Textarea(attrs={"rows": 3})}
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
        widgets = {f: DATE for f in fields}


class RoundAdvanceForm(forms.Form):
    """The phase the user saw travels with the form, so a stale or repeated submit is caught."""

    from_phase = forms.ChoiceField(choices=RoundPhase.choices, widget=forms.HiddenInput)
    comment = forms.CharField(label=_("说明（记入流转记录）"), required=False, max_length=1000,
                              widget=forms.Textarea(attrs={"rows": 2}))
