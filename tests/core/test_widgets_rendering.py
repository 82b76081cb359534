"""The project's form renderer (core/form_renderer.py) writes selects in Python: the same HTML as Django's
templates write, for every kind of select and option."""
import datetime

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.utils.safestring import mark_safe

from core.form_renderer import FormRenderer

CHOICES = [("", "全部推荐单位"), (1, "揭阳市榕城区总工会"), ("行业", [(2, "揭阳市教育工会"), (3, "A & B <工会>")]),
           (4, mark_safe("<b>已安全</b>")), ('"5"', 2025), (6, datetime.date(2026, 1, 2))]


class Form(forms.Form):
    one = forms.ChoiceField(choices=CHOICES, required=False,
                            widget=forms.Select(attrs={"class": "x", "hx-get": "/studios/?a=1&b=2", "disabled": True,
                                                       "data-off": False, "data-none": None}))
    many = forms.MultipleChoiceField(choices=CHOICES, required=False)
    empty = forms.ChoiceField(choices=[], required=False)
    null = forms.NullBooleanField()
    radio = forms.ChoiceField(choices=CHOICES, widget=forms.RadioSelect)


@pytest.mark.parametrize("data", [{}, {"one": "2", "many": ["1", "3"], "radio": "1", "null": "true"},
                                  {"one": '"5"', "many": ["4", "6"]}])
@pytest.mark.parametrize("name", ["one", "many", "empty", "null", "radio"])
def test_the_project_renderer_writes_what_djangos_templates_write(settings, data, name):
    assert isinstance(get_default_renderer(), FormRenderer)
    assert str(Form(data)[name]) == Form(data, renderer=DjangoTemplates())[name].as_widget()


def test_a_select_is_written_in_python_and_escaped():
    html = str(Form({"one": "2"})["one"])
    assert 'value="2" selected' in html and "A &amp; B &lt;工会&gt;" in html and "<b>已安全</b>" in html
    assert 'hx-get="/studios/?a=1&amp;b=2"' in html and " disabled" in html and "data-off" not in html


def test_a_select_of_hundreds_of_options_renders_no_template_per_option(monkeypatch):
    rendered = []
    monkeypatch.setattr(DjangoTemplates, "render", lambda self, name, *a, **k: rendered.append(name) or "")
    field = forms.ChoiceField(choices=[(n, f"工会{n}") for n in range(300)])
    html = FormRenderer().render("django/forms/widgets/select.html",
                                 {"widget": field.widget.get_context("u", "7", {})["widget"]})
    assert rendered == [] and html.count("<option") == 300 and 'value="7" selected' in html
