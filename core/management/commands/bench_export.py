"""`manage.py bench_export`: how long the studio registry's Excel export takes and how much memory it needs.

Builds the export through its own view, as a signed-in user (`--user`, default the municipal `city`) asking
for the whole registry, writes the response to a temporary file and reads it back to count the rows. Peak
resident memory is the process's own high-water mark (getrusage), Django and the data included. Figures and
how to reproduce them (100,000 studios on PostgreSQL): docs/performance.md, "Excel exports".
"""
import resource
import tempfile
import time
import zipfile

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.test import RequestFactory
from django.urls import reverse

from documents.management.commands.bench_documents import rss_mb
from studios.views import studio_export


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KB


def count_rows(xlsx):
    """The rows of the workbook's first sheet, read as a stream (the sheet unpacked is several times the file)."""
    count, tail = 0, b""
    with zipfile.ZipFile(xlsx) as workbook, workbook.open("xl/worksheets/sheet1.xml") as sheet:
        while chunk := sheet.read(1 << 20):
            count += (tail + chunk).count(b"<row ") - tail.count(b"<row ")
            tail = chunk[-8:]
    return count


class Command(BaseCommand):
    help = "测量工作室名录 Excel 导出的耗时和内存峰值。"

    def add_arguments(self, parser):
        parser.add_argument("--user", default="city", help="以哪个账号导出（默认 city，市总工会）")

    def handle(self, *args, user, **options):
        try:
            account = get_user_model().objects.get(username=user)
        except get_user_model().DoesNotExist:
            raise CommandError(f"没有账号 {user}：先运行 seed_demo。")
        request = RequestFactory().get(reverse("studios:export"))
        request.user = account
        before, started, cpu = rss_mb(), time.perf_counter(), cpu_seconds()
        response = studio_export(request)
        with tempfile.TemporaryFile() as out:
            for chunk in response.streaming_content:
                out.write(chunk)
            seconds, size, peak, cpu = time.perf_counter() - started, out.tell(), peak_rss_mb(), cpu_seconds() - cpu
            out.seek(0)
            rows = count_rows(out) - 1  # without the header
        self.stdout.write(f"工作室名录导出（{user}）：{rows} 行，{seconds:.1f} s（本进程 CPU {cpu:.1f} s），{size / 1024 / 1024:.1f} MB；"
                          f"内存 开始 {before:.0f} MB，峰值 {peak:.0f} MB")
