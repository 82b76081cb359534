"""Admin for the union tree and accounts. Tree changes go through unions.services."""
from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core import search
from core.admin_mixins import WriteOnlyPersonalDataForm
from core.search import NameSearchAdmin
from studios.models import Studio

from . import services
from .models import ALLOWED_PARENT_KINDS, Union, User
from .selectors import count_of

# Kinds that may have children (municipal, county, direct): the only possible parents.
PARENT_KINDS = frozenset().union(*ALLOWED_PARENT_KINDS.values())
EDITABLE_FIELDS = ["name", "contact_person", "contact_phone", "address"]


class UnionAdminForm(WriteOnlyPersonalDataForm, forms.ModelForm):
    write_only = ["contact_phone"]  # the administrator enters it and sees it masked (README "Personal data")
    parent = forms.ModelChoiceField(
        label=_("上级工会"),
        queryset=Union.objects.filter(kind__in=PARENT_KINDS).order_by("path"),
        required=False,
        help_text=_("县（市、区）总工会、市直基层工会和女职工委员会在市总工会之下；单位工会在县级总工会或市直基层工会之下。"),
    )

    class Meta:
        model = Union
        fields = ["parent", "name", "kind", "contact_person", "contact_phone", "address"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["parent"].initial = Union.objects.get_parent(self.instance)
        self.fields["parent"].label_from_instance = lambda union: union.indented_name

    def clean(self):
        """Runs the tree change in a savepoint that is rolled back, so the service's refusal is a form error."""
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            with transaction.atomic():
                self.apply(cleaned)
                transaction.set_rollback(True)
        except ValidationError as error:
            for field, errors in error.update_error_dict({}).items():
                # Errors on the model's own fields (e.g. a duplicate name) are found again
                # by the ModelForm's model validation; adding them here would show them twice.
                if field == "parent":
                    self.add_error("parent", errors)
                elif field not in self.fields:
                    self.add_error(None, errors)
        return cleaned

    def apply(self, cleaned):
        """Creates, or edits and moves, the union through unions.services; returns it."""
        fields = {name: cleaned.get(name, "") for name in EDITABLE_FIELDS}
        parent = cleaned.get("parent")
        if self.instance.pk is None:
            return services.union_create(parent=parent, kind=cleaned["kind"], **fields)
        union = services.union_update(Union.objects.get(pk=self.instance.pk), **fields)
        if parent != Union.objects.get_parent(union):
            if parent is None:
                raise ValidationError({"parent": _("只有市总工会可以没有上级工会。")})
            union = services.union_move(union, parent)
        return union


@admin.register(Union)
class UnionAdmin(NameSearchAdmin, admin.ModelAdmin):
    form = UnionAdminForm
    fields = ["parent", "name", "kind", "contact_person", "contact_phone", "address"]
    list_display = ["tree_name", "kind", "recommending_union", "child_count", "user_count", "studio_count"]
    list_filter = ["kind", ("recommending_union", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name"]  # searched by core.search; also serves the union pickers of the account and studio admins
    name_search = staticmethod(search.unions)
    list_select_related = ["recommending_union"]
    ordering = ["path"]
    list_per_page = 50

    def get_queryset(self, request):
        # Subquery counts: no join fan-out and no query per row.
        return super().get_queryset(request).annotate(
            user_count=count_of(User, "union"), studio_count=count_of(Studio, "unit")
        )

    def get_readonly_fields(self, request, obj=None):
        # Changing the kind of an existing union would break the shape of the tree (ALLOWED_PARENT_KINDS).
        return ["kind"] if obj else []

    @admin.display(description=_("名称"), ordering="path")
    def tree_name(self, obj):
        return obj.indented_name

    @admin.display(description=_("下级工会数"), ordering="numchild")
    def child_count(self, obj):
        return obj.numchild

    @admin.display(description=_("账号数"), ordering="user_count")
    def user_count(self, obj):
        return obj.user_count

    @admin.display(description=_("工作室数"), ordering="studio_count")
    def studio_count(self, obj):
        return obj.studio_count

    def save_model(self, request, obj, form, change):
        saved = form.apply(form.cleaned_data)
        obj.pk = saved.pk  # the admin redirects and logs using `obj`
        form.instance = saved

    def save_related(self, request, form, formsets, change):
        """Nothing left to save: the services wrote the union and the form has no relations."""

    def get_deleted_objects(self, objs, request):
        """Adds the services' reasons to Django's protected list, so the delete page refuses with them."""
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        blockers = [reason for union in objs for reason in services.deletion_blockers(union)]
        return deleted, model_count, perms_needed, [*blockers, *protected]

    def delete_model(self, request, obj):
        services.union_delete(obj)

    def delete_queryset(self, request, queryset):
        for union in queryset:
            services.union_delete(union)


class UserCreateForm(UserCreationForm):
    # Role and union are on the form so that the model's clean() (role_union_error) checks them.
    class Meta(UserCreationForm.Meta):
        model = User
        fields = ["username", "full_name", "email", "role", "union"]


class UserEditForm(WriteOnlyPersonalDataForm, UserChangeForm):
    write_only = ["phone"]


class UnionKindFilter(admin.ChoicesFieldListFilter):
    """Filters accounts by the kind of their union; the plain field title would just say 类别."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = _("工会类别")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    add_form = UserCreateForm
    form = UserEditForm
    # Django's own add template only adds an English hint and the usable-password
    # script, which this form has no field for; the fieldset description replaces the hint.
    add_form_template = None
    list_display = ["username", "full_name", "role", "union", "is_active", "last_login"]
    list_filter = ["role", "is_active", ("union__kind", UnionKindFilter)]
    search_fields = ["username", "full_name", "email", "union__name"]
    list_select_related = ["union"]
    autocomplete_fields = ["union"]
    ordering = ["username"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("个人信息"), {"fields": ["full_name", "email", "phone", "title"]}),
        (_("工会与角色"), {"fields": ["union", "role"]}),
        (_("权限"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        (_("重要日期"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {
            "classes": ["wide"],
            "description": _("先填写用户名、姓名、角色、所属工会和密码；创建后可以再补充手机号、职务和权限。"),
            "fields": ["username", "full_name", "email", "role", "union", "password1", "password2"],
        }),
    ]
