"""Encryption at rest of personal numbers (core/encryption.py, core/personal_fields.py): tokens in the database,
plaintext through the ORM, lookups only by the blind index, keys from the environment that rotate, and a process
that refuses to start without them."""
import importlib
import os
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test import override_settings

from core import encryption
from core.personal_fields import Decrypted, index_of
from studios.models import Leader
from tests import factories
from unions.models import User

pytestmark = pytest.mark.django_db

ID = "445202198003150036"  # valid by GB 11643-1999
ID_X = "44520219850715003X"


def raw(table, column, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_values_are_stored_as_tokens_and_read_back_as_plaintext():
    leader = factories.LeaderFactory(id_number=ID, mobile="13812345678")
    stored = raw("studios_leader", "id_number", leader.pk)
    assert stored.startswith("gAAAAA") and ID not in stored
    assert "13812345678" not in raw("studios_leader", "mobile", leader.pk)
    again = Leader.objects.get(pk=leader.pk)
    assert again.id_number == ID and again.mobile == "13812345678"
    assert Leader.objects.filter(pk=leader.pk).values_list("id_number", flat=True).get() == ID


def test_equal_values_give_different_tokens_and_an_unchanged_value_keeps_its_token():
    a = factories.LeaderFactory(mobile="13812345678")
    b = factories.LeaderFactory(mobile="13812345678")
    token = raw("studios_leader", "mobile", a.pk)
    assert token != raw("studios_leader", "mobile", b.pk)  # a random IV: equal numbers cannot be spotted
    again = Leader.objects.get(pk=a.pk)
    again.job_title = "高级技师"
    again.save()
    assert raw("studios_leader", "mobile", a.pk) == token  # what was not changed is not re-encrypted


def test_a_blank_value_stays_blank_and_is_the_only_value_a_query_may_compare_with():
    leader = factories.LeaderFactory()
    assert raw("studios_leader", "id_number", leader.pk) == "" and leader.id_number_index == ""
    assert Leader.objects.filter(id_number="").count() == 1
    with pytest.raises(ValueError, match="blind index"):
        list(Leader.objects.filter(id_number=ID))
    with pytest.raises(FieldError):
        list(Leader.objects.filter(id_number__startswith="4452"))


def test_the_blind_index_finds_a_person_and_keeps_one_leader_per_identity_number():
    leader = factories.LeaderFactory(id_number=ID_X.lower())  # normalised: the X upper-case
    assert leader.id_number_index == index_of(Leader, "id_number_index", ID_X)
    assert ID_X not in leader.id_number_index and len(leader.id_number_index) == 64
    assert Leader.objects.get(id_number_index=index_of(Leader, "id_number_index", f" {ID_X.lower()} ")) == leader
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.LeaderFactory(id_number=ID_X)
    factories.LeaderFactory()  # any number of leaders without one


def test_the_index_depends_on_its_key():
    before = index_of(Leader, "id_number_index", ID)
    with override_settings(FIELD_INDEX_KEY="another-key-of-at-least-thirty-two-characters"):
        assert index_of(Leader, "id_number_index", ID) != before


def test_decrypted_values_pickle_as_plain_text():
    import pickle

    value = Decrypted("13812345678", "gAAAAAtoken")
    assert pickle.loads(pickle.dumps(value)) == "13812345678"
    assert b"gAAAAAtoken" not in pickle.dumps(value)


# Keys ---------------------------------------------------------------------------------------------------------

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def test_rotation_old_key_still_decrypts_new_writes_use_the_new_key_and_the_command_moves_everything():
    with override_settings(FIELD_ENCRYPTION_KEYS=[OLD]):
        leader = factories.LeaderFactory(id_number=ID, mobile="13812345678")
        account = factories.UserFactory(phone="13900001111")
    old_token = raw("studios_leader", "id_number", leader.pk)
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW, OLD]):
        assert Leader.objects.get(pk=leader.pk).id_number == ID  # the old key still decrypts
        fresh = factories.LeaderFactory(mobile="13712345678")
        Fernet(NEW.encode()).decrypt(raw("studios_leader", "mobile", fresh.pk).encode())  # written with the new one
        index = Leader.objects.get(pk=leader.pk).id_number_index
        call_command("reencrypt_personal_data", verbosity=0)
    assert raw("studios_leader", "id_number", leader.pk) != old_token
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW]):  # the old key can go now
        again = Leader.objects.get(pk=leader.pk)
        assert (again.id_number, again.mobile, again.id_number_index) == (ID, "13812345678", index)
        assert User.objects.get(pk=account.pk).phone == "13900001111"
        token = raw("studios_leader", "id_number", leader.pk)
        call_command("reencrypt_personal_data", verbosity=0)  # a second run changes nothing
        assert raw("studios_leader", "id_number", leader.pk) == token


def test_a_new_index_key_is_applied_by_the_same_command():
    leader = factories.LeaderFactory(id_number=ID)
    with override_settings(FIELD_INDEX_KEY="a-brand-new-index-key-of-forty-characters!"):
        call_command("reencrypt_personal_data", verbosity=0)
        assert Leader.objects.get(id_number_index=index_of(Leader, "id_number_index", ID)) == leader


def test_a_value_no_configured_key_opens_is_a_loud_error_not_garbage():
    leader = factories.LeaderFactory(id_number=ID)
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW]), pytest.raises(encryption.UndecryptableValue):
        Leader.objects.get(pk=leader.pk)


def _run(command, **env):
    """`command` in a fresh process with a production environment plus `env` (None removes one)."""
    from tests.core.test_settings import PRODUCTION

    dropped = {"DJANGO_SETTINGS_MODULE", "DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE", "FIELD_ENCRYPTION_KEYS",
               "FIELD_INDEX_KEY"}
    full = {**{k: v for k, v in os.environ.items() if k not in dropped}, **PRODUCTION, **env}
    full = {k: v for k, v in full.items() if v is not None}
    return subprocess.run([sys.executable, *command], cwd=settings.BASE_DIR, env=full,
                          capture_output=True, text=True, timeout=120)


def _start(**env):
    """The web application loaded as gunicorn loads it (config.wsgi)."""
    return _run(["-c", "import config.wsgi"], **env)


@pytest.mark.parametrize("env, message", [
    ({"FIELD_ENCRYPTION_KEYS": None}, "FIELD_ENCRYPTION_KEYS is not set"),
    ({"FIELD_ENCRYPTION_KEYS": "not-a-fernet-key"}, "key 1 is not a Fernet key"),
    ({"FIELD_ENCRYPTION_KEYS": f"{Fernet.generate_key().decode()},short"}, "key 2 is not a Fernet key"),
    ({"FIELD_INDEX_KEY": None}, "FIELD_INDEX_KEY must be"),
    ({"FIELD_INDEX_KEY": "too-short"}, "FIELD_INDEX_KEY must be"),
])
def test_production_refuses_to_start_without_usable_keys(env, message):
    result = _start(**env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr


def test_production_starts_with_keys_and_development_without_them():
    assert _start().returncode == 0
    development = _start(DEBUG="true", FIELD_ENCRYPTION_KEYS=None, FIELD_INDEX_KEY=None, SECRET_KEY=None)
    assert development.returncode == 0, development.stderr


@pytest.mark.parametrize("env", [{"FIELD_ENCRYPTION_KEYS": None}, {"FIELD_INDEX_KEY": "too-short"}])
def test_check_deploy_and_the_worker_refuse_without_usable_keys(env):
    result = _run(["manage.py", "check", "--deploy"], **env)
    assert result.returncode != 0 and "core.E001" in result.stderr
    worker = _run(["-c", "import django; django.setup(); from config.celery import require_the_keys; "
                         "require_the_keys()"], **env)
    assert worker.returncode != 0 and "ImproperlyConfigured" in worker.stderr


def test_commands_that_touch_no_personal_data_run_without_the_keys():
    result = _run(["manage.py", "makemigrations", "--check", "--dry-run"],
                  FIELD_ENCRYPTION_KEYS=None, FIELD_INDEX_KEY=None)
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def test_personal_data_is_neither_read_nor_written_without_usable_keys():
    with override_settings(FIELD_ENCRYPTION_KEYS=[]), pytest.raises(ImproperlyConfigured, match="is not set"):
        encryption.encrypt("13812345678")
    with override_settings(FIELD_INDEX_KEY="short"), pytest.raises(ImproperlyConfigured, match="FIELD_INDEX_KEY"):
        encryption.blind_index("id_number", "445202199001011234")


# The data migration ----------------------------------------------------------------------------------------

def test_the_migration_encrypts_the_telephone_numbers_already_stored():
    migration = importlib.import_module("unions.migrations.0003_encrypt_phones")
    account = factories.UserFactory()
    union = account.union
    with connection.cursor() as cursor:  # as the columns held them before
        cursor.execute("UPDATE unions_user SET phone = %s WHERE id = %s", ["13812345678", account.pk])
        cursor.execute("UPDATE unions_union SET contact_phone = %s WHERE id = %s", ["0663-8221234", union.pk])

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection
    migration.encrypt_plaintext(None, editor)
    assert raw("unions_user", "phone", account.pk).startswith("gAAAAA")
    assert raw("unions_union", "contact_phone", union.pk).startswith("gAAAAA")
    assert User.objects.get(pk=account.pk).phone == "13812345678"
    assert union.__class__.objects.get(pk=union.pk).contact_phone == "0663-8221234"
    migration.encrypt_plaintext(None, editor)  # run twice, a token is not encrypted again
    assert User.objects.get(pk=account.pk).phone == "13812345678"
    migration.decrypt_tokens(None, editor)  # and backwards
    assert raw("unions_user", "phone", account.pk) == "13812345678"
