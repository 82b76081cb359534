"""Working days in mainland China: weekends and statutory holidays off, make-up working days on.

The chinese-calendar library knows the published schedules; CalendarDay rows
add a year it does not know yet (or correct it). For a year neither knows,
counting is refused rather than guessed: a publicity period must be exact.
"""
import datetime

import chinese_calendar
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import CalendarDay, CalendarDayKind


class Workdays:
    """Answers is_workday for a range of dates with one query for the administrator's entries."""

    def __init__(self, first, last):
        self.entries = dict(CalendarDay.objects.filter(date__range=(first, last)).values_list("date", "kind"))
        self.entered_years = set(CalendarDay.objects.filter(date__year__gte=first.year, date__year__lte=last.year)
                                 .dates("date", "year").values_list("date__year", flat=True))

    def is_workday(self, day):
        if day in self.entries:
            return self.entries[day] == CalendarDayKind.WORKDAY
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:
            if day.year in self.entered_years:
                return day.weekday() < 5
            raise ValidationError(
                _("系统还没有 %(year)d 年的法定节假日安排，无法按工作日计算。请系统管理员在“节假日安排”中录入该年的放假和调休日期。")
                % {"year": day.year}) from None


def add_working_days(start, count):
    """The date on which `count` working days starting at `start` (counted if it is one) are complete."""
    if count < 1:
        raise ValueError("count must be positive")
    # Generous window: even the Spring Festival cannot take more than two weeks off a month.
    calendar = Workdays(start, start + datetime.timedelta(days=count * 3 + 30))
    day, done = start, 0
    while True:
        if calendar.is_workday(day):
            done += 1
            if done == count:
                return day
        day += datetime.timedelta(days=1)
