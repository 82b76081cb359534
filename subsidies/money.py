"""Yuan amounts: Decimal with two places (DESIGN.md: money), checked the same way by forms and services."""
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CENT = Decimal("0.01")
LIMIT = Decimal("9999999999.99")  # what DecimalField(max_digits=12, decimal_places=2) holds


def yuan(value):
    """`20,000.00`: thousands separators and two places, the way the pages and exports show money."""
    return "" if value is None else f"{Decimal(value):,.2f}"


def check_amount(value, field="amount"):
    """A positive Decimal of at most two places, or a ValidationError naming `field`."""
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("请填写金额（元），如 20000.00。")}) from None
    if not amount.is_finite() or amount <= 0:
        raise ValidationError({field: _("金额必须大于零。")})
    if amount != amount.quantize(CENT):
        raise ValidationError({field: _("金额以元为单位，最多保留两位小数（精确到分）。")})
    if amount > LIMIT:
        raise ValidationError({field: _("金额过大。")})
    return amount.quantize(CENT)
