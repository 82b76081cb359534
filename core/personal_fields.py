"""Model and form fields for personal data stored encrypted (core/encryption.py, core/personal_data.py).

A value is written as a Fernet token and read back as `Decrypted`, a str that remembers the token it came from:
an unchanged value is saved, dumped (`manage.py backup`) and restored as that same token, so a backup holds
only ciphertext and a restored database is byte for byte the one backed up. A changed value is a plain str and is
encrypted afresh. The column can only be compared with "" (has a value or not): any other lookup would compare
with a new random token, so it is refused; rows are found by a `BlindIndexField` instead.
"""
from django import forms
from django.core import validators
from django.db import models
from django.db.models.lookups import Exact
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from . import encryption
from .personal_data import (
    ContactValidator, IdNumberValidator, MobileValidator, PhoneValidator, mask_contact, mask_id_number, mask_mobile,
    mask_phone, normalize_contact, normalize_id_number, normalize_mobile, normalize_phone,
)


class Decrypted(str):
    """Plaintext read from the database, with the token it was stored as."""

    token = ""

    def __new__(cls, plaintext, token):
        value = super().__new__(cls, plaintext)
        value.token = token
        return value

    def __reduce__(self):
        # Copied or pickled as a plain str: a copy saved later is encrypted afresh rather than trusted to match.
        return str, (str(self),)


class EmptyOnlyExact(Exact):
    """`field=""` is allowed (has no value); comparing with a value cannot work on ciphertext."""

    def get_prep_lookup(self):
        if self.rhs not in ("", None):
            raise ValueError(f"{self.lhs.target.name} is encrypted: look it up by its blind index, not by value")
        return super().get_prep_lookup()


class EncryptedField(models.TextField):
    """Base of the encrypted fields: stored as text (a token is about 120 characters), blank by default.
    Subclasses say how a value is normalised, checked and masked."""

    validator_class = None
    normalize = staticmethod(str)
    mask = staticmethod(str)

    def __init__(self, *args, max_length=None, **kwargs):
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)
        self.plain_max_length = max_length or self.default_plain_max_length

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("default") == "":
            del kwargs["default"]
        if kwargs.pop("blank", False) is not True:
            kwargs["blank"] = False
        if self.plain_max_length != self.default_plain_max_length:
            kwargs["max_length"] = self.plain_max_length
        return name, path, args, kwargs

    @cached_property
    def validators(self):
        # The format check names the field, so it is made here from the verbose name and never migrated.
        checks = [validators.MaxLengthValidator(self.plain_max_length)]
        if self.validator_class:
            checks.append(self.validator_class(self.verbose_name))
        return [*checks, *self._validators]

    def get_lookup(self, lookup_name):
        if lookup_name == "exact":
            return EmptyOnlyExact
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        return None

    def from_db_value(self, value, expression, connection):
        if not value:
            return value
        return Decrypted(encryption.decrypt(value), value)

    def to_python(self, value):
        if isinstance(value, Decrypted) or value in (None, ""):
            return value
        value = str(value)
        if encryption.is_token(value):  # a row being restored from a backup
            try:
                return Decrypted(encryption.decrypt(value), value)
            except encryption.UndecryptableValue:
                return value  # user input that merely looks like a token: the format check refuses it
        return self.normalize(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        if isinstance(value, Decrypted):
            return value.token
        return encryption.encrypt(str(value))

    def value_to_string(self, obj):
        """For serialization (backup): the token, never the plaintext."""
        return self.get_prep_value(self.value_from_object(obj)) or ""

    def formfield(self, **kwargs):
        return super(models.TextField, self).formfield(**{
            "form_class": self.form_class, "max_length": self.plain_max_length, "label": self.verbose_name,
            **kwargs})


class EncryptedIdNumberField(EncryptedField):
    """身份证号 (GB 11643-1999)."""

    default_plain_max_length = 18
    validator_class = IdNumberValidator
    normalize = staticmethod(normalize_id_number)
    mask = staticmethod(mask_id_number)

    @property
    def form_class(self):
        return IdNumberFormField


class EncryptedMobileField(EncryptedField):
    """手机号 (1[3-9] and nine digits)."""

    default_plain_max_length = 11
    validator_class = MobileValidator
    normalize = staticmethod(normalize_mobile)
    mask = staticmethod(mask_mobile)

    @property
    def form_class(self):
        return MobileFormField


class EncryptedPhoneField(EncryptedField):
    """A contact telephone: a mobile or a landline with its area code."""

    default_plain_max_length = 20
    validator_class = PhoneValidator
    normalize = staticmethod(normalize_phone)
    mask = staticmethod(mask_phone)

    @property
    def form_class(self):
        return PhoneFormField


class EncryptedContactField(EncryptedField):
    """A telephone or an e-mail address (an objector's contact)."""

    default_plain_max_length = 100
    validator_class = ContactValidator
    normalize = staticmethod(normalize_contact)
    mask = staticmethod(mask_contact)

    @property
    def form_class(self):
        return ContactFormField


class BlindIndexField(models.CharField):
    """HMAC of the plaintext of `source` (an encrypted field), kept in step when the row is saved, so rows can be
    found and kept unique by value (core.encryption.blind_index). `QuerySet.update()` of the source does not
    update it: change these values through a model's save()."""

    def __init__(self, *args, source, purpose, **kwargs):
        self.source, self.purpose = source, purpose
        kwargs.update(max_length=64, blank=True, editable=False, default="")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        for key in ("max_length", "blank", "editable", "default"):
            kwargs.pop(key, None)
        return name, path, args, {**kwargs, "source": self.source, "purpose": self.purpose}

    def index_of(self, plaintext):
        return encryption.blind_index(self.purpose, plaintext)

    def pre_save(self, model_instance, add):
        source = model_instance._meta.get_field(self.source)
        plaintext = getattr(model_instance, self.source)
        value = self.index_of(source.normalize(plaintext) if plaintext else "")
        setattr(model_instance, self.attname, value)
        return value


def index_of(model, field_name, plaintext):
    """The blind index `model.field_name` holds for `plaintext` (normalised as its source field normalises)."""
    field = model._meta.get_field(field_name)
    source = model._meta.get_field(field.source)
    return field.index_of(source.normalize(plaintext) if plaintext else "")


class _PersonalFormField(forms.CharField):
    """A text input that normalises (spaces out, X upper-case) and checks the format, naming the field."""

    normalize = staticmethod(str)
    validator_class = None

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self.validators.append(self.validator_class(self.label or ""))
        self.widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})

    def to_python(self, value):
        value = super().to_python(value)
        return self.normalize(value) if value else value


class IdNumberFormField(_PersonalFormField):
    normalize = staticmethod(normalize_id_number)
    validator_class = IdNumberValidator

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 18)
        kwargs.setdefault("help_text", _("18 位，末位可为 X（GB 11643-1999）。"))
        super().__init__(*args, **kwargs)


class MobileFormField(_PersonalFormField):
    normalize = staticmethod(normalize_mobile)
    validator_class = MobileValidator

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 20)  # room for spaces or +86, taken out before the check
        super().__init__(*args, **kwargs)
        self.widget.input_type = "tel"


class PhoneFormField(_PersonalFormField):
    normalize = staticmethod(normalize_phone)
    validator_class = PhoneValidator

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(*args, **kwargs)
        self.widget.input_type = "tel"


class ContactFormField(_PersonalFormField):
    normalize = staticmethod(normalize_contact)
    validator_class = ContactValidator

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 100)
        super().__init__(*args, **kwargs)


def encrypted_fields(model):
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedField)]
