"""`manage.py backup [-o FILE]`: the database and the uploaded files in one archive (see core/backup.py)."""
from django.core.management.base import BaseCommand
from django.utils import timezone

from core.backup import backup_write


class Command(BaseCommand):
    help = "把数据库和上传的文件备份到一个归档文件（tar.gz）。"

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", help="归档文件路径，默认 studios-backup-<时间>.tar.gz")

    def handle(self, *args, output=None, **options):
        output = output or f"studios-backup-{timezone.localtime():%Y%m%d-%H%M%S}.tar.gz"
        manifest = backup_write(output)
        self.stdout.write(f"{output}: {sum(manifest['tables'].values())} rows, {len(manifest['files']) - 1} files")
