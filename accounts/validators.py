"""Password rules of the 等保 preset (GB/T 22239-2019 8.1.4.1: 身份鉴别信息具有复杂度要求并定期更换)."""
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import PasswordHistory

# Character classes: lower case, upper case, digits, anything else (punctuation, Chinese, spaces).
_CLASSES = (str.islower, str.isupper, str.isdigit)


def _classes(password):
    found = {i for ch in password for i, test in enumerate(_CLASSES) if test(ch)}
    if any(not (ch.islower() or ch.isupper() or ch.isdigit()) for ch in password):
        found.add(len(_CLASSES))
    return len(found)


class CharacterClassesValidator:
    """At least `min_classes` of the four classes: lower case, upper case, digits, symbols."""

    def __init__(self, min_classes=3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if _classes(password) < self.min_classes:
            raise ValidationError(
                _("密码须包含大写字母、小写字母、数字和符号四类中的至少 %(n)d 类。") % {"n": self.min_classes},
                code="password_too_simple",
            )

    def get_help_text(self):
        return _("密码须包含大写字母、小写字母、数字和符号四类中的至少 %(n)d 类。") % {"n": self.min_classes}


class PasswordHistoryValidator:
    """None of the account's last `count` passwords may be chosen again.

    `password_changed` runs whenever a new password is saved (User.save after
    set_password), so the history fills from every path: the password page, the
    admin, seed_demo, the shell.
    """

    def __init__(self, count=3):
        self.count = count

    def _recent(self, user):
        return list(PasswordHistory.objects.filter(user=user).values_list("password", flat=True)[: self.count])

    def validate(self, password, user=None):
        if user is None or user.pk is None:
            return
        # The current hash too: accounts made before the history existed have no rows yet.
        hashes = [user.password, *self._recent(user)] if user.password else self._recent(user)
        if any(check_password(password, encoded) for encoded in hashes):
            raise ValidationError(
                _("不能使用最近 %(n)d 次用过的密码。") % {"n": self.count}, code="password_reused")

    def password_changed(self, password, user=None):
        if user is None or user.pk is None:
            return
        PasswordHistory.objects.create(user=user, password=user.password)
        stale = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[self.count:]
        PasswordHistory.objects.filter(pk__in=list(stale)).delete()

    def get_help_text(self):
        return _("不能使用最近 %(n)d 次用过的密码。") % {"n": self.count}
