from django import template

from subsidies.money import yuan as format_yuan

register = template.Library()


@register.filter
def yuan(value):
    """`20,000.00`: money on every page with thousands separators and two places."""
    return format_yuan(value)
