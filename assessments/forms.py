from django import forms
from django.utils.translation import gettext_lazy as _

from .models import DIMENSIONS, AnnualReport, Rating


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
