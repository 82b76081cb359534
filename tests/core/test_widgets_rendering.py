"""The project's select template (templates/django/forms/widgets/select.html) writes the same HTML as Django's."""
from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer

CHOICES = [("", "全部推荐单位"), (1, "揭阳市榕城区总工会"), ("行业", [(2, "揭阳市教育工会"), (3, "A & B <工会>")])]


class Form(forms.Form):
    one = forms.ChoiceField(choices=CHOICES, required=False,
                            widget=forms.Select(attrs={"class": "x", "hx-get": "/studios/"}))
    many = forms.MultipleChoiceField(choices=CHOICES, required=False)
    radio = forms.ChoiceField(choices=CHOICES, widget=forms.RadioSelect)


def test_the_project_select_writes_what_django_writes(settings):
    template = get_default_renderer().get_template("django/forms/widgets/select.html")
    assert template.origin.name == str(settings.BASE_DIR / "templates/django/forms/widgets/select.html")
    data = {"one": "2", "many": ["1", "3"], "radio": "1"}
    for name in ("one", "many", "radio"):
        ours = str(Form(data)[name])
        django = Form(data, renderer=DjangoTemplates())[name].as_widget()
        assert ours == django, name
    assert 'value="2" selected' in str(Form(data)["one"]) and "A &amp; B &lt;工会&gt;" in str(Form(data)["one"])
