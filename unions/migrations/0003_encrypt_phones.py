"""Telephone numbers become encrypted at rest (个人信息保护法; core/personal_fields.py): the columns turn into text
wide enough for a Fernet token, and every number already stored is encrypted in place under FIELD_ENCRYPTION_KEYS.
Reversed, the numbers are decrypted back into their columns."""
import core.personal_fields
from django.db import migrations

COLUMNS = [("unions_union", "contact_phone"), ("unions_user", "phone")]


def encrypt_plaintext(apps, schema_editor):
    from core.encryption import encrypt_columns_in_place

    encrypt_columns_in_place(schema_editor.connection, COLUMNS)


def decrypt_tokens(apps, schema_editor):
    from core.encryption import decrypt_columns_in_place

    decrypt_columns_in_place(schema_editor.connection, COLUMNS)


class Migration(migrations.Migration):

    dependencies = [
        ('unions', '0002_recommending_union_set_null'),
    ]

    operations = [
        migrations.AlterField(
            model_name='union',
            name='contact_phone',
            field=core.personal_fields.EncryptedPhoneField(verbose_name='联系电话'),
        ),
        migrations.AlterField(
            model_name='user',
            name='phone',
            field=core.personal_fields.EncryptedMobileField(verbose_name='手机号'),
        ),
        migrations.RunPython(encrypt_plaintext, decrypt_tokens, elidable=False),
    ]
