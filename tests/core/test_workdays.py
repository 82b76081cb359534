import datetime

import pytest
from django.core.exceptions import ValidationError

from core.models import CalendarDay
from core.workdays import add_working_days

D = datetime.date


@pytest.mark.django_db
@pytest.mark.parametrize("start,count,end", [
    (D(2026, 11, 23), 5, D(2026, 11, 27)),   # Monday to Friday
    (D(2026, 11, 27), 5, D(2026, 12, 3)),    # over a weekend
    (D(2026, 11, 28), 1, D(2026, 11, 30)),   # a Saturday start counts from Monday
    (D(2026, 9, 28), 5, D(2026, 10, 9)),     # the National Day holiday (1–7 October) is skipped
    (D(2026, 9, 28), 7, D(2026, 10, 12)),    # Saturday the 10th is a make-up working day and counts
])
def test_working_days_follow_the_state_council_schedule(start, count, end):
    assert add_working_days(start, count) == end


@pytest.mark.django_db
def test_a_year_without_a_schedule_is_refused_not_guessed():
    with pytest.raises(ValidationError, match="还没有 2027 年的法定节假日安排"):
        add_working_days(D(2026, 12, 28), 5)


@pytest.mark.django_db
def test_entered_days_complete_a_new_year():
    CalendarDay.objects.create(date=D(2027, 1, 1), kind="holiday", note="元旦")
    assert add_working_days(D(2026, 12, 28), 5) == D(2027, 1, 4)
    CalendarDay.objects.create(date=D(2027, 1, 2), kind="workday", note="调休")
    assert add_working_days(D(2026, 12, 28), 5) == D(2027, 1, 2)
