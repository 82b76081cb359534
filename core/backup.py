"""One archive holding the database and the uploaded files, and its restore (issue 7, point 11).

The archive is a tar.gz with three kinds of member:

- `manifest.json`: when, which version, the row count of every table and the SHA-256 of every other member;
- `database.jsonl`: every row, as Django's JSON Lines serialization. Lines are written and read one at a time,
  so memory stays bounded, and the format is the same whatever the database (SQLite or PostgreSQL).
  Content types and permissions are not dumped: `migrate` creates them in the target, where their ids may differ,
  so rows refer to them by natural key (app label and model, codename);
- `media/<path>`: each file under MEDIA_ROOT, streamed into the tar.

Restore checks every member against the manifest before it touches anything, loads the rows in one transaction,
checks the row counts, then writes the files. The digests catch a corrupted or edited archive; they cannot stop
someone who rewrites the manifest as well, so archives belong where only the operators can write.
"""
import datetime
import hashlib
import io
import json
import logging
import os
import shutil
import subprocess
import tarfile
import tempfile
from importlib import metadata
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE = "database.jsonl"
FORMAT_NAME = "backup_jsonl"  # core/backup_format.py; loaddata knows a fixture's format by its extension
MEDIA_PREFIX = "media/"
# Created by `migrate` in every database; rows refer to them by natural key instead.
NOT_DUMPED = ["contenttypes", "auth.permission"]
CHUNK = 1024 * 1024


class BackupError(Exception):
    """The archive cannot be restored; the message says why, in Chinese."""


def _sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def table_counts():
    """Rows per table, the tables of many-to-many fields included."""
    counts = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        counts[model._meta.db_table] = model._base_manager.count()
    return dict(sorted(counts.items()))


def _dumped_tables():
    """The tables whose rows the archive carries (checked after a restore)."""
    return {model._meta.db_table for model in apps.get_models(include_auto_created=True)
            if not model._meta.proxy and model._meta.managed and model._meta.app_label != "contenttypes"
            and model._meta.label_lower != "auth.permission"}


def _version():
    try:
        version = metadata.version("jieyang-studios")
    except metadata.PackageNotFoundError:
        version = ""
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=settings.BASE_DIR, capture_output=True,
                                text=True, timeout=5, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    return version, commit


def _media_files():
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if path.is_file() and not path.is_symlink():
                yield path, path.relative_to(root).as_posix()


def backup_write(output):
    """Write the archive to `output` (a path); return the manifest. Reads the database in one transaction."""
    output = Path(output)
    with tempfile.TemporaryDirectory(prefix="studios-backup-") as tmp:
        dump = Path(tmp) / DATABASE
        # One snapshot, so the counts match the rows: a SQLite transaction reads one already, PostgreSQL's
        # default READ COMMITTED does not (inside an outer transaction, as in tests, that one decides).
        outermost = not connection.in_atomic_block
        with transaction.atomic():
            if outermost and connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            counts = table_counts()
            serializers.register_serializer(FORMAT_NAME, "core.backup_format")
            call_command("dumpdata", format=FORMAT_NAME, output=str(dump), exclude=NOT_DUMPED,
                         use_natural_foreign_keys=True, verbosity=0)
        files = {DATABASE: _sha256_file(dump)}
        media = list(_media_files())
        for path, name in media:
            files[MEDIA_PREFIX + name] = _sha256_file(path)
        version, commit = _version()
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "version": version,
            "commit": commit,
            "database_vendor": connection.vendor,
            "tables": counts,
            "files": files,
        }
        manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
        partial = output.with_name(output.name + ".part")
        with tarfile.open(partial, "w:gz") as tar:
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(manifest_bytes)
            info.mtime = int(datetime.datetime.now().timestamp())
            tar.addfile(info, io.BytesIO(manifest_bytes))
            tar.add(dump, arcname=DATABASE)
            for path, name in media:
                tar.add(path, arcname=MEDIA_PREFIX + name, recursive=False)
        # Renamed only once complete, so a crash never leaves something that looks like a backup.
        partial.replace(output)
    logger.info("backup written to %s: %d files, %d tables", output, len(media), len(counts))
    return manifest


def _safe_name(name):
    """A member name that stays inside the folder it is extracted to."""
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and name == path.as_posix()


def _read_manifest(tar):
    member = tar.next()
    if member is None or member.name != MANIFEST or not member.isfile():
        raise BackupError(_("备份文件不完整：缺少清单（manifest.json）。"))
    try:
        manifest = json.loads(tar.extractfile(member).read())
    except ValueError:
        raise BackupError(_("备份文件的清单已损坏。"))
    if manifest.get("format") != FORMAT or not isinstance(manifest.get("files"), dict):
        raise BackupError(_("不支持的备份格式。"))
    return member, manifest


def _verify(archive, dump_path):
    """Check every member against the manifest; copy the rows to `dump_path`. Returns the manifest."""
    seen = set()
    try:
        with tarfile.open(archive, "r:gz") as tar:
            first, manifest = _read_manifest(tar)
            expected = manifest["files"]
            for member in tar:
                if member is first:
                    continue
                name = member.name
                if not member.isfile() or not _safe_name(name) or name not in expected or name in seen:
                    raise BackupError(_("备份文件含有清单之外的内容：%(name)s") % {"name": name})
                seen.add(name)
                digest = hashlib.sha256()
                source = tar.extractfile(member)
                target = open(dump_path, "wb") if name == DATABASE else None
                try:
                    for chunk in iter(lambda: source.read(CHUNK), b""):
                        digest.update(chunk)
                        if target:
                            target.write(chunk)
                finally:
                    if target:
                        target.close()
                if digest.hexdigest() != expected[name]:
                    raise BackupError(_("备份文件已被修改或损坏：%(name)s 的校验值不符。") % {"name": name})
    except (tarfile.TarError, EOFError, OSError) as error:
        raise BackupError(_("无法读取备份文件：%(error)s") % {"error": error})
    missing = set(expected) - seen
    if missing:
        raise BackupError(_("备份文件不完整：缺少 %(names)s。") % {"names": "、".join(sorted(missing))})
    if DATABASE not in seen:
        raise BackupError(_("备份文件不完整：缺少数据库内容。"))
    return manifest


def database_in_use():
    """A database counts as in use once it holds an account: `migrate` alone creates none (it does create
    reference rows such as the first rule set and the finance and audit groups, which the archive replaces)."""
    return get_user_model()._base_manager.exists()


def _flush():
    """Empty every table with the database's own statements (TRUNCATE or DELETE), which the append-only models'
    Python guards do not see; `migrate`'s content types and permissions are then created again."""
    call_command("flush", interactive=False, verbosity=0)


def restore_archive(archive, force=False):
    """Restore `archive` into this database and MEDIA_ROOT. Refuses a database in use unless `force`."""
    if database_in_use() and not force:
        raise BackupError(_("数据库中已有数据，拒绝恢复。确认要清空现有数据并恢复时，请加 --force 参数。"))
    with tempfile.TemporaryDirectory(prefix="studios-restore-") as tmp:
        dump = Path(tmp) / f"database.{FORMAT_NAME}"
        manifest = _verify(archive, dump)
        serializers.register_serializer(FORMAT_NAME, "core.backup_format")
        with transaction.atomic():
            _flush()
            call_command("loaddata", str(dump), verbosity=0)
            counts = table_counts()
            wrong = sorted(table for table in _dumped_tables()
                           if counts.get(table) != manifest["tables"].get(table))
            if wrong:
                raise BackupError(_("恢复后的行数与备份清单不符：%(tables)s") % {"tables": "、".join(wrong)})
    root = Path(settings.MEDIA_ROOT)
    restored = 0
    with tarfile.open(archive, "r:gz") as tar:
        for member in tar:
            if not member.name.startswith(MEDIA_PREFIX):
                continue
            target = root / member.name[len(MEDIA_PREFIX):]
            target.parent.mkdir(parents=True, exist_ok=True)
            with tar.extractfile(member) as source, open(target, "wb") as out:
                shutil.copyfileobj(source, out, CHUNK)
            restored += 1
    logger.info("restored %s: %d files", archive, restored)
    return manifest
