"""Personal data in templates, masked unless the viewer has the need (unions.permissions decides, README says why).

    {% load personal_data %}
    {% id_number application.leader_id_number application %}   → 445202198003151234 or 4452**********1234
    {% mobile member.mobile studio %}                          → 13812341234 or 138****1234
    {% union_phone union.contact_phone union %}
    {{ value|masked_id_number }}, {{ value|masked_mobile }}    → always masked
"""
from django import template

from core.personal_data import mask_id_number, mask_mobile, mask_phone
from unions.permissions import shown_id_number, shown_mobile, shown_union_phone

register = template.Library()


def _user(context):
    request = context.get("request")
    return getattr(request, "user", None)


@register.simple_tag(takes_context=True)
def id_number(context, value, owner):
    if not value:
        return "—"
    user = _user(context)
    return shown_id_number(user, owner, value) if user is not None else mask_id_number(value)


@register.simple_tag(takes_context=True)
def mobile(context, value, owner):
    if not value:
        return "—"
    user = _user(context)
    return shown_mobile(user, owner, value) if user is not None else mask_mobile(value)


@register.simple_tag(takes_context=True)
def union_phone(context, value, union):
    if not value:
        return "—"
    user = _user(context)
    return shown_union_phone(user, union, value) if user is not None else mask_phone(value)


register.filter("masked_id_number", mask_id_number)
register.filter("masked_mobile", mask_mobile)
register.filter("masked_phone", mask_phone)
