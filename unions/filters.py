import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from core import search

from .models import RECOMMENDING_KINDS, Union, UnionKind

KIND_CHOICES = [("recommending", _("推荐单位（县级总工会、市直基层工会）")), *UnionKind.choices]


class UnionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="search",
                                  widget=forms.TextInput(attrs={"type": "search", "placeholder": _("工会名称")}))
    kind = django_filters.ChoiceFilter(label=_("类别"), choices=KIND_CHOICES, method="by_kind", empty_label=_("全部类别"))

    within = django_filters.NumberFilter(label=_("上级工会"), method="by_within", widget=forms.HiddenInput)

    class Meta:
        model = Union
        fields = ["q", "kind", "within"]

    def search(self, queryset, name, value):
        return search.unions(queryset, value)

    def by_within(self, queryset, name, value):
        """Only the subtree below union `value` (itself excluded); the queryset is already scoped."""
        parent = queryset.filter(pk=value).values_list("path", flat=True).first()
        if parent is None:
            return queryset.none()
        return queryset.filter(path__startswith=parent).exclude(path=parent)

    def by_kind(self, queryset, name, value):
        if value == "recommending":
            return queryset.filter(kind__in=RECOMMENDING_KINDS)
        return queryset.filter(kind=value)
