import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def plain(value):
    """A decimal without trailing zeros and never in exponent form: 10, 15.5 (normalize() alone gives 1E+1)."""
    return format(Decimal(value).normalize(), "f")


# 发文字号: 机关代字〔年份〕序号号 — full year in 〔〕, no leading zero, no 第 (GB/T 9704-2012 7.2.4).
DOCUMENT_NUMBER = re.compile(r"^揭工总〔(?P<year>\d{4})〕(?P<seq>[1-9]\d*)号$")


def check_document_number(value, field="decision_number"):
    """The number, stripped; a malformed one is refused naming the field and the format."""
    value = (value or "").strip()
    if not DOCUMENT_NUMBER.match(value):
        raise ValidationError({field: _("文号格式应为“揭工总〔2026〕12号”：年份写全、用六角括号，序号不编虚位、不加“第”。")})
    return value
