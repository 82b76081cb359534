"""`manage.py naming_notice YEAR -o FILE.pdf`: the naming decision of a year's round, as on the documents page."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from documents import production, services
from documents.models import DocumentKind
from reviews.models import NamingRound, RoundLevel


class Command(BaseCommand):
    help = "生成某年度命名批次的命名决定（GB/T 9704-2012 格式 PDF）。"

    def add_arguments(self, parser):
        parser.add_argument("year", type=int, help="命名年度")
        parser.add_argument("-o", "--output", required=True, metavar="FILE.pdf", help="写入的 PDF 文件")
        parser.add_argument("--kind", choices=DocumentKind.values, default=DocumentKind.DECISION,
                            help="decision 命名决定（默认）、notice 公示公告、certificates 证书")

    def handle(self, *args, year, output, kind, **options):
        naming_round = NamingRound.objects.filter(year=year, level=RoundLevel.MUNICIPAL).first()
        if naming_round is None:
            raise CommandError(f"没有 {year} 年度的命名批次。")
        if not services.available(naming_round, kind):
            raise CommandError(f"{naming_round}当前为“{naming_round.get_phase_display()}”阶段，"
                               f"还不能生成“{DocumentKind(kind).label}”。")
        pdf, pages = production.pdf_for(kind, naming_round)
        Path(output).write_bytes(pdf)
        self.stdout.write(self.style.SUCCESS(f"已写入 {output}：{DocumentKind(kind).label}，{pages} 页，{len(pdf) // 1024} KB。"))
