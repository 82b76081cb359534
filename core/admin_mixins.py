from django.contrib import admin
from django.utils.translation import gettext as _

from .personal_fields import encrypted_fields


class ReadOnlyAdmin(admin.ModelAdmin):
    """For workflow records: they change only through their services, where each step is checked and logged."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class MaskedPersonalDataAdmin:
    """For a ModelAdmin or inline of a model with encrypted fields (core/personal_fields.py): each shows masked and
    read-only as `masked_<name>`, never in a form. The system administrator keeps accounts and the union tree and
    has no need for a leader's or member's numbers (README "Personal data"); the numbers are entered and
    corrected on the workflow pages by those who keep them. An admin with explicit `fields` lists the masked
    names itself."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in encrypted_fields(self.model):
            setattr(self, f"masked_{field.name}", _masked_display(field))

    def _personal_names(self):
        return [field.name for field in encrypted_fields(self.model)]

    def get_exclude(self, request, obj=None):
        return [*(super().get_exclude(request, obj) or []), *self._personal_names()]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return [*readonly, *(f"masked_{n}" for n in self._personal_names() if f"masked_{n}" not in readonly)]

    def get_fields(self, request, obj=None):
        names = set(self._personal_names())
        fields = []
        for name in super().get_fields(request, obj):
            name = f"masked_{name}" if name in names else name
            if name not in fields:
                fields.append(name)
        return fields


def _masked_display(field):
    def display(obj):
        return field.mask(getattr(obj, field.name)) or "—"
    display.short_description = field.verbose_name
    return display


class WriteOnlyPersonalDataForm:
    """A ModelForm mixin for encrypted fields the administrator enters but does not read (an account's mobile, a
    union's contact telephone): the input starts empty, its help shows the number masked, and an empty input
    keeps the stored number."""

    write_only = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.write_only:
            current = getattr(self.instance, name, "") if self.instance.pk else ""
            self.initial[name] = ""
            field = self.fields[name]
            field.required = False
            if current:
                field.help_text = _("已登记：%(masked)s。留空则不变，填写新号码即替换。") % {
                    "masked": self.instance._meta.get_field(name).mask(current)}

    def clean(self):
        cleaned = super().clean()
        for name in self.write_only:
            if not cleaned.get(name) and self.instance.pk and name not in self.errors:
                cleaned[name] = getattr(self.instance, name, "")
        return cleaned
