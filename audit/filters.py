import datetime

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Action, AuditEntry, Result


def _day_start(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class AuditEntryFilter(django_filters.FilterSet):
    user = django_filters.CharFilter(label=_("用户名"), method="filter_user",
                                     widget=forms.TextInput(attrs={"type": "search"}))
    action = django_filters.ChoiceFilter(label=_("操作"), choices=Action.choices)
    object = django_filters.CharFilter(label=_("对象"), method="filter_object",
                                       widget=forms.TextInput(attrs={"type": "search"}))
    result = django_filters.ChoiceFilter(label=_("结果"), choices=Result.choices)
    since = django_filters.DateFilter(label=_("起始日期"), method="filter_since",
                                      widget=forms.DateInput(attrs={"type": "date"}))
    until = django_filters.DateFilter(label=_("截止日期"), method="filter_until",
                                      widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = AuditEntry
        fields = []

    def filter_user(self, queryset, name, value):
        # the name as typed: also finds failed logins of names that are no account
        return queryset.filter(username__iexact=value.strip())

    def filter_object(self, queryset, name, value):
        return queryset.filter(Q(object_repr__icontains=value.strip()) | Q(detail__icontains=value.strip()))

    def filter_since(self, queryset, name, value):
        return queryset.filter(time__gte=_day_start(value))

    def filter_until(self, queryset, name, value):
        return queryset.filter(time__lt=_day_start(value + datetime.timedelta(days=1)))
