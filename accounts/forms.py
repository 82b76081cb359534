from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator, RegexValidator
from django.utils.translation import gettext_lazy as _


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("动态验证码"),
        max_length=6,
        validators=[RegexValidator(r"^\d{6}$", _("请输入 6 位数字验证码。"))],
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )

    def __init__(self, device, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean(self):
        cleaned = super().clean()
        token = cleaned.get("token")
        # verify_token refuses a code already used (the device's last_t) and slows guessing
        # (throttling: each failure doubles the wait before the next try is even checked).
        if token and not self.device.verify_token(token):
            raise forms.ValidationError(_("验证码不正确或已使用，请输入验证器上新的验证码。"), code="invalid_token")
        return cleaned


class LoginForm(AuthenticationForm):
    """Django sets the username's max_length but does not validate it, so an overlong name reached
    authentication and the lockout's 255-character column (a server error on PostgreSQL). Refuse it first."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))
