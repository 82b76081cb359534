"""The form renderer: Django's own, except that a select writes its options in Python.

A select through Django's templates renders one `{% include %}` per option; the studio list's filter of 200
recommending unions (a national tree) took a third of the page's time that way. `select_html` writes the same
HTML as django/forms/widgets/select.html with its stock option template (tests/core/test_widgets_rendering.py
compares them); a select whose options use another template still renders through the templates.
"""
from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"


class FormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        widget = context.get("widget")
        if template_name == SELECT and all(
                option["template_name"] == OPTION for _, options, _ in widget["optgroups"] for option in options):
            return select_html(widget)
        return super().render(template_name, context, request)


def attrs_html(attrs):
    """django/forms/widgets/attrs.html: ` name="value"`, ` name` for True, nothing for False, in the given order."""
    return "".join(f" {conditional_escape(name)}" if value is True else
                   f' {conditional_escape(name)}="{conditional_escape(value)}"'
                   for name, value in attrs.items() if value is not False)


def text(value):
    """A value as `{{ value }}` writes it: localized, then escaped unless already safe."""
    return conditional_escape(localize(value))


def select_html(widget):
    parts = [f'<select name="{conditional_escape(widget["name"])}"{attrs_html(widget["attrs"])}>']
    for group_name, options, _ in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{text(group_name)}">')
        parts.extend(f'\n  <option value="{conditional_escape(option["value"])}"{attrs_html(option["attrs"])}>'
                     f'{text(option["label"])}</option>\n' for option in options)
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))
