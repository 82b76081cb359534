"""Shared form fields (core/form_fields.py)."""
import pytest
from django import forms

from core.form_fields import ModelMultipleChoiceField
from studios.models import Studio
from tests import factories

pytestmark = pytest.mark.django_db


class StudiosForm(forms.Form):
    studios = ModelMultipleChoiceField(queryset=Studio.objects.all())


@pytest.mark.parametrize("posted", ["-99999999999999999999", "9223372036854775808", " 1" + "0" * 30])
def test_model_multiple_choice_refuses_an_id_beyond_the_integer_range(posted):
    studio = factories.StudioFactory()
    form = StudiosForm({"studios": [str(studio.pk), posted]})
    assert not form.is_valid()
    assert form.errors["studios"] == [f"“{posted}”不是一个有效的值"]


def test_model_multiple_choice_still_takes_ids_in_range():
    studios = [factories.StudioFactory() for _ in range(2)]
    form = StudiosForm({"studios": [str(s.pk) for s in studios]})
    assert form.is_valid()
    assert set(form.cleaned_data["studios"]) == set(studios)
