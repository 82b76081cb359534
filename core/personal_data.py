"""身份证号 and telephone numbers: checking, masking and redacting, in one place (个人信息保护法).

- Checks: a 身份证号 by GB 11643-1999 (18 characters, a real birth date, the check character of ISO 7064
  MOD 11-2), a mobile number as 1[3-9] and nine digits, a contact telephone as a mobile or a landline with its
  area code. Messages name the field and never repeat the value (they may travel in a session's messages).
- Masks: `4452**********1234`, `138****1234`, `0663-***1234`; what everyone without the need sees, and what the
  administrator, experts, exports for them, history and audit entries show.
- `redact` masks any such number inside free text before it is written to a log, an audit entry or a transition
  comment, where a user may have typed one.

Who sees a value in full is decided in unions.permissions (`sees_personal_data`, `sees_union_contact`); the
template tags in core/templatetags/personal_data.py and the exports apply it.
"""
import datetime
import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

# GB 11643-1999: weights 2^(18-i) mod 11 of the first 17 characters, and the check character by remainder.
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
# GB/T 2260: the provinces' codes (the first two digits of the address code).
PROVINCES = frozenset({
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42", "43",
    "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82",
})
ID_SHAPE = re.compile(r"^\d{17}[\dX]$", re.ASCII)
MOBILE = re.compile(r"^1[3-9]\d{9}$", re.ASCII)
LANDLINE = re.compile(r"^(0\d{2,3})-?([1-9]\d{6,7})$", re.ASCII)

# Numbers inside free text: an 18-character identity number with a plausible birth date, an 11-digit mobile;
# not when part of a longer run of digits or letters (a patent number, a voucher).
ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}"
                        r"[\dXx](?![0-9A-Za-z])", re.ASCII)
MOBILE_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d{4}){2}(?![0-9A-Za-z])",
                            re.ASCII)


def normalize_id_number(value):
    return re.sub(r"\s", "", str(value or "")).upper()


def normalize_mobile(value):
    value = re.sub(r"[\s-]", "", str(value or ""))
    return value[3:] if value.startswith("+86") else value


def normalize_phone(value):
    """A mobile as eleven digits; a landline as `0663-8221234`."""
    compact = re.sub(r"[\s-]", "", str(value or ""))
    if compact.startswith("+86"):
        compact = compact[3:]
    if MOBILE.match(compact):
        return compact
    landline = LANDLINE.match(re.sub(r"\s", "", str(value or "")))
    return f"{landline[1]}-{landline[2]}" if landline else str(value or "").strip()


def id_check_character(first17):
    """The 18th character GB 11643-1999 computes from the first 17 digits (ISO 7064 MOD 11-2)."""
    return ID_CHECK[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS)) % 11]


def synthetic_id_number(number):
    """A made-up 身份证号, different for every number below five million: born 1990–2003 (never a demo person's
    years), for the synthetic leaders of `seed_demo --scale` and the load test."""
    born = datetime.date(1990, 1, 1) + datetime.timedelta(days=number % 5000)
    body = f"445281{born:%Y%m%d}{number // 5000 % 1000:03d}"
    return body + id_check_character(body)


def id_number_problem(value):
    """Why `value` (normalised) is not a 身份证号 under GB 11643-1999, or None."""
    if not ID_SHAPE.match(value):
        return _("应为 18 位：前 17 位是数字，最后一位是数字或 X")
    if value[:2] not in PROVINCES:
        return _("前两位不是有效的省级行政区划代码")
    try:
        born = datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return _("第 7 至 14 位的出生日期不存在")
    if born.year < 1900 or born > datetime.date.today():
        return _("第 7 至 14 位的出生日期不在合理范围内")
    if id_check_character(value[:17]) != value[17]:
        return _("最后一位校验码不符，请逐位核对")
    return None


class IdNumberValidator:
    """身份证号 by GB 11643-1999; the message names the field (`label`)."""

    def __init__(self, label):
        self.label = label

    def __call__(self, value):
        problem = id_number_problem(normalize_id_number(value))
        if problem:
            raise ValidationError(_("%(field)s不正确：%(problem)s（GB 11643-1999）。"),
                                  code="invalid_id_number", params={"field": self.label, "problem": problem})

    def __eq__(self, other):
        return isinstance(other, IdNumberValidator) and other.label == self.label


class MobileValidator:
    def __init__(self, label):
        self.label = label

    def __call__(self, value):
        if not MOBILE.match(normalize_mobile(value)):
            raise ValidationError(_("%(field)s应为 11 位手机号码：以 1 开头，第二位为 3 至 9。"),
                                  code="invalid_mobile", params={"field": self.label})

    def __eq__(self, other):
        return isinstance(other, MobileValidator) and other.label == self.label


class PhoneValidator:
    """A contact telephone: a mobile, or a landline with its area code."""

    def __init__(self, label):
        self.label = label

    def __call__(self, value):
        value = normalize_phone(value)
        if not (MOBILE.match(value) or LANDLINE.match(value)):
            raise ValidationError(_("%(field)s应为 11 位手机号码，或带区号的固定电话（如 0663-8221234）。"),
                                  code="invalid_phone", params={"field": self.label})

    def __eq__(self, other):
        return isinstance(other, PhoneValidator) and other.label == self.label


class ContactValidator:
    """How to reach someone: a telephone (mobile or landline) or an e-mail address."""

    def __init__(self, label):
        self.label = label

    def __call__(self, value):
        value = normalize_contact(value)
        if MOBILE.match(value) or LANDLINE.match(value):
            return
        try:
            validate_email(value)
        except ValidationError:
            raise ValidationError(_("%(field)s应为手机号码、带区号的固定电话或电子邮箱。"),
                                  code="invalid_contact", params={"field": self.label}) from None

    def __eq__(self, other):
        return isinstance(other, ContactValidator) and other.label == self.label


def normalize_contact(value):
    value = str(value or "").strip()
    return value if "@" in value else normalize_phone(value)


def mask_contact(value):
    """An e-mail address as `l***@example.cn`, a telephone as `mask_phone` does."""
    value = str(value or "")
    if "@" in value:
        name, _at, domain = value.partition("@")
        return f"{name[:1]}***@{domain}"
    return mask_phone(value)


def mask_id_number(value):
    """`4452**********1234`: the province and city, and the last four; the birth date never shows."""
    value = str(value or "")
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return f"{value[:4]}{'*' * (len(value) - 8)}{value[-4:]}"


def mask_mobile(value):
    """`138****1234`: the network and the last four."""
    value = str(value or "")
    if not value:
        return ""
    if len(value) <= 7:
        return "*" * len(value)
    return f"{value[:3]}{'*' * (len(value) - 7)}{value[-4:]}"


def mask_phone(value):
    """A mobile as `138****1234`; a landline keeps its area code and last four: `0663-***1234`."""
    value = str(value or "")
    if MOBILE.match(value):
        return mask_mobile(value)
    landline = LANDLINE.match(value)
    if landline:
        number = landline[2]
        return f"{landline[1]}-{'*' * (len(number) - 4)}{number[-4:]}"
    return f"{'*' * max(len(value) - 4, 0)}{value[-4:]}" if len(value) > 4 else "*" * len(value)


def redact(text):
    """`text` with every identity or mobile number in it masked: for logs, audit entries and history comments."""
    if not text or not isinstance(text, str):
        return text
    text = ID_IN_TEXT.sub(lambda m: mask_id_number(m[0].upper()), text)
    return MOBILE_IN_TEXT.sub(lambda m: mask_mobile(re.sub(r"\D", "", m[0])[-11:]), text)


class RedactingFilter:
    """A logging filter that masks identity and mobile numbers in every record's message and arguments, so a
    number someone typed (a search, a form value in an error) never reaches a log file (config/settings.py)."""

    def filter(self, record):
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True
