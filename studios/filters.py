import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from core import search
from unions.models import Union
from unions.scoping import scoped
from unions.selectors import recommending_unions

from .models import TITLED_STATES, Alliance, Studio, StudioStatus

STATUS_GROUPS = {
    "titled": TITLED_STATES,
    "ended": {StudioStatus.CANCELLED, StudioStatus.DELISTED},
}
STATUS_CHOICES = [
    ("titled", _("在册（正常运行及整改中）")),
    *StudioStatus.choices,
    ("ended", _("已取消或摘牌")),
]


class StudioFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="search",
                                  widget=forms.TextInput(attrs={"type": "search", "placeholder": _("工作室、领衔人或单位名称")}))
    status = django_filters.ChoiceFilter(label=_("状态"), choices=STATUS_CHOICES, method="by_status", empty_label=_("全部状态"))
    # Choices of (id, name) rather than a ModelChoiceFilter: a national tree has hundreds of recommending unions,
    # which a model choice field would read through a server-side cursor and make a model instance of each.
    recommending = django_filters.ChoiceFilter(
        label=_("推荐单位"), field_name="unit__recommending_union", empty_label=_("全部推荐单位")
    )
    named_year = django_filters.NumberFilter(label=_("命名年度"), widget=forms.NumberInput(attrs={"placeholder": _("如 2025")}))

    within = django_filters.NumberFilter(label=_("所在工会"), method="by_within", widget=forms.HiddenInput)

    class Meta:
        model = Studio
        fields = ["q", "status", "recommending", "named_year", "within"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.filters["recommending"].extra["choices"] = list(recommending_unions(user).values_list("pk", "name"))

    def search(self, queryset, name, value):
        return search.studios(queryset, value)

    def by_within(self, queryset, name, value):
        """Studios of union `value` and its subtree, if the user may see that union."""
        union = scoped(self.user, Union.objects).filter(pk=value).values_list("path", flat=True).first()
        if union is None:
            return queryset.none()
        return queryset.filter(unit__path__startswith=union)

    def by_status(self, queryset, name, value):
        if value in STATUS_GROUPS:
            return queryset.filter(status__in=STATUS_GROUPS[value])
        return queryset.filter(status=value)


class AllianceFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="search", widget=forms.TextInput(
        attrs={"type": "search", "placeholder": _("联盟名称、专业领域或成员工作室")}))

    class Meta:
        model = Alliance
        fields = ["q"]

    def search(self, queryset, name, value):
        return search.alliances(queryset, value)
