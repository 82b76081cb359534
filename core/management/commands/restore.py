"""`manage.py restore FILE [--force]`: bring back what `backup` wrote (see core/backup.py)."""
from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, restore_archive


class Command(BaseCommand):
    help = "从备份归档恢复数据库和上传的文件（目标数据库须为空且已迁移）。"

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument("--force", action="store_true", help="先清空现有数据再恢复")

    def handle(self, *args, archive, force, **options):
        try:
            manifest = restore_archive(archive, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{archive}: restored the backup of {manifest['created_at']}")
