"""The naming decision read back from its PDF: GB/T 9704-2012 measured, so a drifting layout fails.

One demo database and one render for the module; every test reads the same PDF.
"""
import io
from collections import defaultdict

import pdfplumber
import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from documents import production
from reviews.models import ApplicationStatus, NamingRound

# The marker makes pytest-django set up the test database, which the module fixture fills once.
pytestmark = pytest.mark.django_db

MM = 72 / 25.4
PITCH = 156 / 28 * MM      # one character of body text
LINE = 225 / 22 * MM       # one line of body text
TOLERANCE = 1 * MM         # GB/T 9704 allows 1 mm on the margins


@pytest.fixture(scope="module")
def decision(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", verbosity=0)
        naming_round = NamingRound.objects.get(year=timezone.localdate().year - 1)
        studios = [a.studio_name for a in naming_round.applications.filter(status=ApplicationStatus.NAMED)]
        pdf, pages = production.pdf_for("decision", naming_round)
        number = naming_round.decision_number
        transaction.set_rollback(True)
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        pages_read = [{"width": p.width, "height": p.height, "chars": p.chars, "rects": p.rects,
                       "text": p.extract_text(), "tables": p.extract_tables()} for p in document.pages]
    return {"pdf": pdf, "pages": pages_read, "studios": studios, "number": number, "page_count": pages}


def lines(page, font="FangSong", size=16):
    """Lines of the page in the given font and size, as lists of characters, top to bottom."""
    rows = defaultdict(list)
    for char in page["chars"]:
        if font in char["fontname"] and round(char["size"]) == size:
            rows[round(char["top"], 1)].append(char)
    return [sorted(rows[top], key=lambda c: c["x0"]) for top in sorted(rows)]


def is_full_width(char):
    return ord(char["text"]) > 0x2E80


def test_a4_pages(decision):
    assert decision["page_count"] == len(decision["pages"]) >= 2
    for page in decision["pages"]:
        assert page["width"] == pytest.approx(210 * MM, abs=0.5) and page["height"] == pytest.approx(297 * MM, abs=0.5)


def test_body_is_16pt_fangsong_28_characters_a_line_from_the_binding_margin(decision):
    full = [line for page in decision["pages"] for line in lines(page)
            if len(line) == 28 and all(is_full_width(c) for c in line)]
    assert len(full) >= 5, "expected several full lines of body text"
    for line in full:
        assert line[0]["x0"] == pytest.approx(28 * MM, abs=TOLERANCE)
        assert line[-1]["x0"] - line[0]["x0"] == pytest.approx(27 * PITCH, abs=0.5)
        assert line[-1]["x1"] <= (28 + 156) * MM + TOLERANCE


def test_first_line_indent_is_two_characters(decision):
    body = lines(decision["pages"][0])
    first_paragraph = next(line for line in body if line[0]["text"] == "为")
    assert first_paragraph[0]["x0"] == pytest.approx(28 * MM + 2 * PITCH, abs=0.5)
    addressee = next(line for line in body if line[0]["text"] == "各")  # 主送机关: 顶格
    assert addressee[0]["x0"] == pytest.approx(28 * MM, abs=0.5)


def test_22_lines_a_page_from_the_top_margin(decision):
    page = decision["pages"][1]  # a page of running text, no letterhead
    body = lines(page)
    tops = [line[0]["top"] for line in body]
    gaps = [b - a for a, b in zip(tops, tops[1:])]
    assert all(gap == pytest.approx(LINE, abs=0.2) for gap in gaps[:3])
    # the first line box starts at the top margin: its characters sit half a leading below it
    assert tops[0] - (LINE - 16) / 2 == pytest.approx(37 * MM, abs=TOLERANCE)


def test_letterhead_number_and_red_line(decision):
    first = decision["pages"][0]
    masthead = [c for c in first["chars"] if "XiaoBiaoSong" in c["fontname"] and c["size"] > 30]
    assert "".join(c["text"] for c in masthead) == "揭阳市总工会文件"
    assert all(c["non_stroking_color"] == (1.0, 0.0, 0.0) for c in masthead)
    assert masthead[0]["top"] == pytest.approx((37 + 35) * MM, abs=TOLERANCE)  # 35 mm below the type area
    assert decision["number"] in first["text"] and "第" not in decision["number"]
    red = [r for r in first["rects"] if r["non_stroking_color"] == (1.0, 0.0, 0.0)]
    assert len(red) == 1 and red[0]["width"] == pytest.approx(156 * MM, abs=TOLERANCE)
    assert red[0]["x0"] == pytest.approx(28 * MM, abs=TOLERANCE)


def test_title_is_22pt_xiaobiaosong(decision):
    title = lines(decision["pages"][0], font="XiaoBiaoSong", size=22)
    text = "".join(c["text"] for line in title for c in line)
    assert text.startswith("关于命名") and text.endswith("创新工作室的决定")


def test_date_page_numbers_and_imprint(decision):
    pages = decision["pages"]
    text = "".join(p["text"] for p in pages)
    year = timezone.localdate().year - 1
    assert f"{year}年12月10日" in text  # 成文日期: no leading zeros
    for number, page in enumerate(pages, start=1):
        assert f"— {number} —" in page["text"]
    last = pages[-1]
    assert "抄送：" in last["text"] and f"{year}年12月10日印发" in last["text"]
    # the last rule of the imprint lies on the bottom of the type area
    bottom = max(r["bottom"] for r in last["rects"] if r["width"] > 150 * MM)
    assert bottom == pytest.approx((37 + 225) * MM, abs=TOLERANCE)


def test_every_named_studio_is_in_the_annex_table_as_text(decision):
    cells = {(cell or "").replace("\n", "") for page in decision["pages"] for table in page["tables"]
             for row in table for cell in row}
    assert {"序号", "工作室名称", "所在单位", "领衔人", "推荐单位"} <= cells
    assert set(decision["studios"]) <= cells and len(decision["studios"]) == 5


def test_fonts_are_embedded_as_subsets(decision):
    fonts = {c["fontname"] for page in decision["pages"] for c in page["chars"]}
    assert fonts and all("+" in name for name in fonts)  # ABCDEF+Name: an embedded subset
    assert len(decision["pdf"]) < 500 * 1024
