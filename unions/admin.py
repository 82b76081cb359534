"""Admin for the union tree and accounts. Tree changes go through unions.services."""
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserCreationForm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from studios.models import Studio

from . import services
from .models import ALLOWED_PARENT_KINDS, Union, User
from .selectors import count_of

PARENT_KINDS = frozenset().union(*ALLOWED_PARENT_KINDS.values())
EDITABLE_FIELDS = ["name", "contact_person", "contact_phone", "address"]


class UnionAdminForm(forms.ModelForm):
    parent = forms.ModelChoiceField(
        label=_("上级工会"),
        queryset=Union.objects.filter(kind__in=PARENT_KINDS).order_by("path"),
        required=False,
        help_text=_("县（市、区）总工会、市直基层工会和女职工委员会在市总工会之下；单位工会在县级总工会或市直基层工会之下。"),
    )

    class Meta:
        model = Union
        fields = ["name", "kind", "parent", "contact_person", "contact_phone", "address"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["parent"].initial = Union.objects.get_parent(self.instance)
        self.fields["parent"].label_from_instance = lambda u: u.indented_name

    def clean(self):
        """Tries the tree change inside a savepoint that is rolled back, so a refusal is a form error."""
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            with transaction.atomic():
                self.apply(cleaned)
                transaction.set_rollback(True)
        except ValidationError as error:
            for field, messages_ in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages_)
        return cleaned

    def apply(self, cleaned):
        fields = {f: cleaned.get(f, "") for f in EDITABLE_FIELDS}
        if self.instance.pk is None:
            return services.union_create(parent=cleaned.get("parent"), kind=cleaned["kind"], **fields)
        union = services.union_update(Union.objects.get(pk=self.instance.pk), **fields)
        if cleaned.get("parent") != Union.objects.get_parent(union):
            if cleaned.get("parent") is None:
                raise ValidationError({"parent": _("只有市总工会可以没有上级工会。")})
            union = services.union_move(union, cleaned["parent"])
        return union


@admin.register(Union)
class UnionAdmin(admin.ModelAdmin):
    form = UnionAdminForm
    list_display = ["tree_name", "kind", "recommending_union", "numchild", "user_count", "studio_count"]
    list_filter = ["kind", ("recommending_union", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name"]
    list_select_related = ["recommending_union"]
    ordering = ["path"]
    list_per_page = 50

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            user_count=count_of(User, "union"), studio_count=count_of(Studio, "unit"))

    def get_readonly_fields(self, request, obj=None):
        # Changing the kind would break the shape of the tree (ALLOWED_PARENT_KINDS).
        return ["kind"] if obj else []

    @admin.display(description=_("名称"), ordering="path")
    def tree_name(self, obj):
        return obj.indented_name

    @admin.display(description=_("账号数"), ordering="user_count")
    def user_count(self, obj):
        return obj.user_count

    @admin.display(description=_("工作室数"), ordering="studio_count")
    def studio_count(self, obj):
        return obj.studio_count

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            saved = form.apply(form.cleaned_data)
        obj.pk = saved.pk
        form.instance = saved

    def save_related(self, request, form, formsets, change):
        """The form has no many-to-many fields; the services saved everything."""

    def get_deleted_objects(self, objs, request):
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        blockers = [reason for union in objs for reason in services.deletion_blockers(union)]
        return deleted, model_count, perms_needed, [*blockers, *protected]

    def delete_model(self, request, obj):
        services.union_delete(obj)

    def delete_queryset(self, request, queryset):
        # Leaves first, so that a parent whose children are also being deleted is empty by then.
        for union in queryset.order_by("-depth"):
            services.union_delete(union)


class UserCreateForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = User
        fields = ["username", "full_name", "role", "union", "email"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    add_form = UserCreateForm
    list_display = ["username", "full_name", "role", "union", "is_active", "last_login"]
    list_filter = ["role", "is_active", "union__kind"]
    search_fields = ["username", "full_name", "email", "union__name"]
    list_select_related = ["union"]
    autocomplete_fields = ["union"]
    ordering = ["username"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("个人信息"), {"fields": ["full_name", "email", "phone", "title"]}),
        (_("工会与角色"), {"fields": ["union", "role"]}),
        (_("权限"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        (_("重要日期"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": [
            "username", "full_name", "email", "role", "union", "password1", "password2"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            messages.info(request, _("账号“%(name)s”已停用，不能再登录。") % {"name": obj.display_name})
