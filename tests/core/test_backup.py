"""`manage.py backup` and `restore`: every row and every uploaded file come back; a bad archive or a database in
use is refused. Runs on SQLite and, with DATABASE_URL, on PostgreSQL."""
import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management import call_command
from django.core.management.base import CommandError

from core.models import TransitionLog
from unions.models import User

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


@pytest.fixture
def seeded(media):
    call_command("seed_demo", stdout=io.StringIO())
    # Beside the seeded attachments: bytes of every value, a Chinese name, a nested folder, an empty file.
    (media / "其他" / "深").mkdir(parents=True)
    (media / "其他" / "深" / "照片.bin").write_bytes(bytes(range(256)) * 5000)
    (media / "空.txt").write_bytes(b"")
    return media


def snapshot():
    """Every row of every table, with content types and permissions by natural key (their ids depend on the
    order `migrate` created them in, not on the data), many-to-many links without their ids."""
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy:
            continue
        queryset = model._base_manager.order_by("pk")
        if model in (ContentType, Permission):
            rows[model._meta.label] = sorted(obj.natural_key() for obj in queryset)
        elif model._meta.auto_created:
            # A many-to-many link's own id is nothing anyone refers to; Django serializes the link on its owner,
            # and loading creates the link afresh.
            links = serializers.serialize("python", queryset, use_natural_foreign_keys=True)
            rows[model._meta.label] = sorted(repr(sorted(link["fields"].items())) for link in links)
        else:
            rows[model._meta.label] = serializers.serialize("python", queryset, use_natural_foreign_keys=True)
    return rows


def files(root):
    return {path.relative_to(root).as_posix(): path.read_bytes()
            for path in Path(root).rglob("*") if path.is_file()}


def empty_everything(media):
    call_command("flush", interactive=False, verbosity=0)
    for path in sorted(Path(media).rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()


def test_backup_restore_round_trip_brings_back_every_row_and_file(seeded, tmp_path):
    before, before_files = snapshot(), files(seeded)
    assert TransitionLog.objects.exists() and len(before_files) > 2
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", "-o", str(archive), stdout=io.StringIO())
    empty_everything(seeded)
    assert not User.objects.exists() and files(seeded) == {}

    call_command("restore", str(archive), stdout=io.StringIO())

    after = snapshot()
    assert after.keys() == before.keys()
    for label in before:
        assert after[label] == before[label], label
    assert files(seeded) == before_files
    # The sequences moved past the restored ids (PostgreSQL): a new row gets a new id.
    user = User.objects.create(username="after-restore")
    assert user.pk > max(row["pk"] for row in before["unions.User"])


def test_backup_manifest_lists_counts_version_and_digests(seeded, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", "-o", str(archive), stdout=io.StringIO())
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
        names = tar.getnames()
    assert names[0] == "manifest.json"
    assert set(names[1:]) == set(manifest["files"])
    assert "media/其他/深/照片.bin" in manifest["files"]
    assert manifest["tables"]["core_transitionlog"] == TransitionLog.objects.count()
    assert manifest["tables"][User._meta.db_table] == User.objects.count()
    assert manifest["version"] == "0.1.0"
    assert manifest["created_at"]


def rewrite(archive, target, change):
    """Copy `archive` to `target`, passing each member's bytes through `change(name, data)`."""
    with tarfile.open(archive) as source, tarfile.open(target, "w:gz") as out:
        for member in source:
            data = change(member.name, source.extractfile(member).read())
            member.size = len(data)
            out.addfile(member, io.BytesIO(data))


@pytest.mark.parametrize("member", ["media/其他/深/照片.bin", "database.jsonl"])
def test_restore_refuses_a_tampered_archive_and_changes_nothing(seeded, tmp_path, member):
    archive, tampered = tmp_path / "backup.tar.gz", tmp_path / "tampered.tar.gz"
    call_command("backup", "-o", str(archive), stdout=io.StringIO())
    rewrite(archive, tampered, lambda name, data: data[:-1] + bytes([data[-1] ^ 1]) if name == member else data)
    empty_everything(seeded)

    with pytest.raises(CommandError, match="已被修改或损坏"):
        call_command("restore", str(tampered), stdout=io.StringIO())
    assert not User.objects.exists() and files(seeded) == {}


def test_restore_refuses_a_member_missing_from_the_manifest(seeded, tmp_path):
    archive, tampered = tmp_path / "backup.tar.gz", tmp_path / "tampered.tar.gz"
    call_command("backup", "-o", str(archive), stdout=io.StringIO())
    with tarfile.open(archive) as source, tarfile.open(tampered, "w:gz") as out:
        for member in source:
            out.addfile(member, source.extractfile(member))
        extra = tarfile.TarInfo("media/../../evil.txt")
        out.addfile(extra, io.BytesIO(b""))
    empty_everything(seeded)

    with pytest.raises(CommandError, match="清单之外"):
        call_command("restore", str(tampered), stdout=io.StringIO())
    assert not (tmp_path / "evil.txt").exists() and not User.objects.exists()


def test_restore_refuses_a_database_in_use_unless_forced(seeded, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", "-o", str(archive), stdout=io.StringIO())
    before = snapshot()
    User.objects.create(username="written-after-the-backup")

    with pytest.raises(CommandError, match="数据库中已有数据，拒绝恢复"):
        call_command("restore", str(archive), stdout=io.StringIO())
    assert User.objects.filter(username="written-after-the-backup").exists()

    # --force empties the tables first, the append-only ones included.
    call_command("restore", str(archive), "--force", stdout=io.StringIO())
    assert snapshot() == before



def rows_of(archive):
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
        rows = {line for line in tar.extractfile("database.jsonl").read().decode().splitlines() if line}
    return manifest, {json.dumps(normalized(json.loads(line)), sort_keys=True) for line in rows}


def normalized(row):
    """Many-to-many lists come in the database's order, which need not be the same in another database."""
    row["fields"] = {name: sorted(value, key=repr) if isinstance(value, list) else value
                     for name, value in row["fields"].items()}
    return row


def test_archive_restores_into_a_fresh_sqlite_database_in_another_process(seeded, tmp_path):
    """Portable: whatever this database is (SQLite, or PostgreSQL under .ci/run), a new SQLite database migrated
    from nothing takes the archive, and a backup taken there holds the same rows and files."""
    archive, again = tmp_path / "backup.tar.gz", tmp_path / "again.tar.gz"
    call_command("backup", "-o", str(archive), stdout=io.StringIO())
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "REDIS_URL": "",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'other.sqlite3'}", "MEDIA_ROOT": str(tmp_path / "other-media")}
    for command in (["migrate", "--noinput"], ["restore", str(archive)], ["backup", "-o", str(again)]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=settings.BASE_DIR, env=env, check=True,
                       capture_output=True)

    (manifest, rows), (manifest_again, rows_again) = rows_of(archive), rows_of(again)
    assert rows_again == rows
    assert manifest_again["tables"] == manifest["tables"]
    del manifest["files"]["database.jsonl"], manifest_again["files"]["database.jsonl"]
    assert manifest_again["files"] == manifest["files"]
