"""`manage.py bench_documents`: how fast the documents render and whether a worker's memory stays flat.

Renders the naming decision for synthetic data many times in this one process (as a Celery
worker would: warmed up first, as config/celery.py does when a worker starts, unless `--cold`), then a batch
of certificates the way the task does (in parts joined with pypdf), and prints time, size and resident memory.
Figures and how to read them: docs/performance.md.
"""
import statistics
import time

from django.core.management.base import BaseCommand

from documents import production, rendering
from documents.content import chinese_date
from documents.models import DocumentKind


def rss_mb():
    """Resident memory of this process now (Linux /proc), in MB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def rows(count):
    return [{"no": n, "studio": f"测试领衔人{n:04d}劳模和工匠人才创新工作室", "unit": f"揭阳市测试{n:04d}机械制造有限公司",
             "leader": f"领衔人{n:04d}"[:4], "recommender": "榕城区总工会"} for n in range(1, count + 1)]


class Command(BaseCommand):
    help = "测量公文生成：命名决定的耗时和大小、多次生成后的内存，以及批量证书。"

    def add_arguments(self, parser):
        parser.add_argument("--studios", type=int, default=10, help="命名决定中的工作室数（默认 10）")
        parser.add_argument("--renders", type=int, default=40, help="同一进程中连续生成命名决定的次数")
        parser.add_argument("--certificates", type=int, default=1000, help="批量证书的份数")
        parser.add_argument("--cold", action="store_true", help="不预热（不像 Celery 工作进程那样启动时加载字体）")

    def handle(self, *args, studios, renders, certificates, cold, **options):
        import datetime

        day = chinese_date(datetime.date(2026, 12, 1))
        decision = {"issuer": "揭阳市总工会", "year": 2026, "number": "揭工总〔2026〕12号", "date": day,
                    "main_recipients": "各县（市、区）总工会，中央、省驻揭和市直单位工会", "copy_to": "广东省总工会经济技术部",
                    "printed_by": "揭阳市总工会办公室", "rows": rows(studios)}
        template = production.TEMPLATES[DocumentKind.DECISION]
        start_rss = rss_mb()
        if not cold:
            started = time.perf_counter()
            rendering.warm_up()
            self.stdout.write(f"预热（工作进程启动时）：{time.perf_counter() - started:.2f} s，内存 {rss_mb():.0f} MB")
        times, sizes, memory = [], [], []
        for _ in range(renders):
            started = time.perf_counter()
            pdf, pages = rendering.write_pdf([rendering.render_document(template, decision)])
            times.append(time.perf_counter() - started)
            sizes.append(len(pdf))
            memory.append(rss_mb())
        warm = times[1:] or times
        self.stdout.write(f"命名决定（{studios} 家，{pages} 页）：{'未预热' if cold else '预热后'}首次 {times[0]:.2f} s；其后中位数 "
                          f"{statistics.median(warm):.2f} s，最慢 {max(warm):.2f} s；大小 {max(sizes) / 1024:.0f} KB")
        settle = min(5, renders - 1)
        self.stdout.write(f"内存（RSS）：开始 {start_rss:.0f} MB，第 {settle + 1} 次后 {memory[settle]:.0f} MB，"
                          f"第 {renders} 次后 {memory[-1]:.0f} MB（增长 {memory[-1] - memory[settle]:+.0f} MB）")

        if not certificates:
            return
        certificate_data = {"issuer": "揭阳市总工会", "year": 2026, "number": "揭工总〔2026〕12号", "date": day,
                            "month": "2026年12月", "rows": rows(certificates)}
        per_part = production.CERTIFICATES_PER_PART
        started, before = time.perf_counter(), rss_mb()
        peak = [before]
        pdf, pages = production.certificates_pdf(certificate_data, on_progress=lambda percent: peak.append(rss_mb()))
        self.stdout.write(f"证书 {certificates} 份（每批 {per_part} 份，{-(-certificates // per_part)} 批）："
                          f"{time.perf_counter() - started:.1f} s，{pages} 页，{len(pdf) / 1024 / 1024:.1f} MB；"
                          f"内存 开始 {before:.0f} MB，各批之后最高 {max(peak):.0f} MB，结束 {rss_mb():.0f} MB")
