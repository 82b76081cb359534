"""Encryption at rest of personal data (个人信息保护法 第五十一条: 加密等安全技术措施), with keys from the environment.

- `FIELD_ENCRYPTION_KEYS`: Fernet keys (AES-128-CBC with HMAC-SHA256, from `cryptography`), the first encrypts and
  every one decrypts, so a key is rotated by putting a new one first, running `manage.py reencrypt_personal_data`
  and then dropping the old one.
- `FIELD_INDEX_KEY`: the key of the blind index, a keyed HMAC-SHA256 of a value, so that rows can be found and
  kept unique by an identity number without the number itself being in the database. It is separate from the
  encryption keys because rotating those must not change the index; changing it needs the same command.

The keys are checked where production starts (config/wsgi.py, the Celery worker, `check --deploy`: see
`require_keys`) and again where they are used, not when the settings load: `makemigrations` and other commands
that touch no personal data run without them.
"""
import base64
import binascii
import functools
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.core.exceptions import ImproperlyConfigured

# Every Fernet token starts with its version byte 0x80, which is "gA" in URL-safe base64.
TOKEN_PREFIX = "gAAAAA"
MIN_INDEX_KEY_LENGTH = 32


class UndecryptableValue(ImproperlyConfigured):
    """A stored value that no configured key opens: the keys are wrong or the old one was dropped too early."""


def derived_key(secret, purpose):
    """A Fernet key derived from `secret`: only for development and tests, where no key is configured."""
    return base64.urlsafe_b64encode(hashlib.sha256(f"{purpose}:{secret}".encode()).digest()).decode()


def require_keys():
    """Refuses to start without usable keys in the settings (the WSGI application and the Celery worker call it
    as they start)."""
    from django.conf import settings

    check_keys(settings.FIELD_ENCRYPTION_KEYS, settings.FIELD_INDEX_KEY)


def check_keys(keys, index_key):
    """ImproperlyConfigured unless the keys are usable; the message says which setting and how to make one."""
    check_encryption_keys(keys)
    check_index_key(index_key)


def check_encryption_keys(keys):
    how = ("python -c \"from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())\"")
    if not keys:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS is not set: personal data (身份证号, 手机号) is stored encrypted and production "
            f"refuses to start without a key. Make one with: {how}")
    for number, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError, binascii.Error):
            raise ImproperlyConfigured(
                f"FIELD_ENCRYPTION_KEYS: key {number} is not a Fernet key (32 bytes, URL-safe base64). "
                f"Make one with: {how}") from None


def check_index_key(index_key):
    if len(index_key or "") < MIN_INDEX_KEY_LENGTH:
        raise ImproperlyConfigured(
            f"FIELD_INDEX_KEY must be a random string of at least {MIN_INDEX_KEY_LENGTH} characters (it keys the "
            "blind index of identity numbers). Make one with: python -c \"import secrets; "
            "print(secrets.token_urlsafe(48))\"")


@functools.lru_cache(maxsize=8)
def _fernet(keys):
    check_encryption_keys(keys)  # once per set of keys: the cache keeps only sets that passed
    return MultiFernet([Fernet(key) for key in keys])


def _keys():
    from django.conf import settings

    return tuple(settings.FIELD_ENCRYPTION_KEYS)


def encrypt(plaintext):
    """A new token for `plaintext`, under the first key; a random IV, so equal values give different tokens."""
    return _fernet(_keys()).encrypt(plaintext.encode()).decode()


def decrypt(token):
    try:
        return _fernet(_keys()).decrypt(token.encode()).decode()
    except InvalidToken:
        raise UndecryptableValue(
            "A stored personal-data value cannot be decrypted with FIELD_ENCRYPTION_KEYS: the key it was "
            "written with is missing (keep the old key in the list until reencrypt_personal_data has run).") from None


def rotate(token):
    """The same value under the first key (MultiFernet.rotate); `token` itself when that key already opens it."""
    keys = _keys()
    try:
        _fernet(keys[:1]).decrypt(token.encode())
        return token
    except InvalidToken:
        pass
    try:
        return _fernet(keys).rotate(token.encode()).decode()
    except InvalidToken:
        raise UndecryptableValue(
            "A stored personal-data value cannot be decrypted with FIELD_ENCRYPTION_KEYS.") from None


def is_token(value):
    return isinstance(value, str) and value.startswith(TOKEN_PREFIX)


def blind_index(purpose, value):
    """HMAC-SHA256 of a normalised value under FIELD_INDEX_KEY, for lookups and uniqueness; "" for no value.
    `purpose` separates the indexes of different kinds of value."""
    from django.conf import settings

    if not value:
        return ""
    check_index_key(settings.FIELD_INDEX_KEY)
    message = f"{purpose}:{value}".encode()
    return hmac.new(settings.FIELD_INDEX_KEY.encode(), message, hashlib.sha256).hexdigest()


def _convert_columns(connection, columns, convert, wanted):
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table, column in columns:
            cursor.execute(f"SELECT id, {quote(column)} FROM {quote(table)} WHERE {quote(column)} <> ''")
            for pk, value in cursor.fetchall():
                if wanted(value):
                    cursor.execute(f"UPDATE {quote(table)} SET {quote(column)} = %s WHERE id = %s",
                                   [convert(value), pk])


def encrypt_columns_in_place(connection, columns):
    """For a data migration that turns plaintext columns (`(table, column)` pairs) into encrypted ones: every
    value not yet a token is encrypted. Plain SQL, since the new field would try to decrypt the old values."""
    _convert_columns(connection, columns, lambda value: encrypt(value.strip()), lambda value: not is_token(value))


def decrypt_columns_in_place(connection, columns):
    """The reverse of `encrypt_columns_in_place`."""
    _convert_columns(connection, columns, decrypt, is_token)
