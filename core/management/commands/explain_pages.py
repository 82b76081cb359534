"""`manage.py explain_pages USER=PATH …`: each page's queries with PostgreSQL's EXPLAIN ANALYZE.

Opens every page as the named account ("anonymous" for a visitor), twice (the first warms the session), and prints
each SELECT of the second request with its execution time and the scans of its plan; the whole plan of any
query slower than --slow milliseconds. It logs in by writing a session, so run it on a copy made for
measuring (docs/performance.md, "Lists and query counts"), never on production.
"""
import re

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from unions.models import User

SCANS = re.compile(r"(Seq Scan on \w+|Index Only Scan using \w+|Index Scan(?: Backward)? using \w+"
                   r"|Bitmap Index Scan on \w+)")


class Command(BaseCommand):
    help = "EXPLAIN ANALYZE the queries of pages: USER=PATH … (USER anonymous for a visitor)."

    def add_arguments(self, parser):
        parser.add_argument("pages", nargs="+", metavar="USER=PATH")
        parser.add_argument("--slow", type=float, default=20.0, help="print the plan of queries slower than this (ms)")

    def handle(self, pages, slow, **options):
        if connection.vendor != "postgresql":
            raise CommandError("EXPLAIN ANALYZE needs PostgreSQL (DATABASE_URL).")
        for page in pages:
            username, _, path = page.partition("=")
            client = Client(HTTP_HOST="127.0.0.1")
            if username != "anonymous":
                client.force_login(User.objects.get(username=username))
            client.get(path)
            with CaptureQueriesContext(connection) as captured:
                status = client.get(path).status_code
            self.stdout.write(f"## {username} {path}: {status}, {len(captured)} queries")
            for query in captured.captured_queries:
                if query["sql"].lstrip().upper().startswith("SELECT"):
                    self._explain(query["sql"], slow)

    def _explain(self, sql, slow):
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = [row[0] for row in cursor.fetchall()]
        took = float(re.search(r"Execution Time: ([\d.]+)", plan[-1]).group(1))
        scans = ", ".join(sorted({scan for line in plan for scan in SCANS.findall(line)}))
        self.stdout.write(f"  {took:8.2f} ms  {sql[:90]}\n              {scans}")
        if took > slow:
            self.stdout.write("\n".join("      " + line for line in plan))
