"""Keyset pagination (core/lists.py): cursors forward and back, bad cursors, capped counts."""
import pytest
from django.core import signing
from django.test import RequestFactory

from core import lists
from core.lists import KeysetPage
from studios.models import Studio
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def studios(db):
    county = factories.county_union()
    # Equal named years, so the order goes down to name and then pk.
    return [factories.StudioFactory(unit=factories.unit_union(county), named_year=2020 + i % 2) for i in range(7)]


def ordered():
    return Studio.objects.order_by("-named_year", "name")


def walk_forward(per_page):
    page, seen = KeysetPage(ordered(), None, per_page), []
    while True:
        seen.append([s.pk for s in page])
        if not page.has_next:
            return seen, page
        page = KeysetPage(ordered(), page.next_cursor, per_page)


def test_pages_forward_cover_the_order_once_without_gaps(studios):
    pages, last = walk_forward(3)
    assert [pk for page in pages for pk in page] == list(ordered().values_list("pk", flat=True))
    assert [len(p) for p in pages] == [3, 3, 1]
    assert last.has_previous and not last.has_next


def test_previous_cursor_leads_back_to_the_same_pages(studios):
    pages, last = walk_forward(3)
    back = KeysetPage(ordered(), last.previous_cursor, 3)
    assert [s.pk for s in back] == pages[1] and back.has_next and back.has_previous
    first = KeysetPage(ordered(), back.previous_cursor, 3)
    assert [s.pk for s in first] == pages[0] and not first.has_previous and first.has_next


def test_a_descending_order_pages_the_same_way(studios):
    newest = Studio.objects.order_by("-pk")
    page = KeysetPage(newest, None, 4)
    rest = KeysetPage(newest, page.next_cursor, 4)
    assert [s.pk for s in page] + [s.pk for s in rest] == sorted((s.pk for s in studios), reverse=True)


@pytest.mark.parametrize("cursor", ["garbage", signing.dumps({"d": "n", "k": [1]}, salt="other"),
                                    signing.dumps({"d": "n", "k": [1]}, salt=lists.CURSOR_SALT),
                                    signing.dumps({"d": "x", "k": [2020, "a", 1]}, salt=lists.CURSOR_SALT)])
def test_a_bad_tampered_or_stale_cursor_gives_the_first_page(studios, cursor):
    page = KeysetPage(ordered(), cursor, 3)
    assert [s.pk for s in page] == list(ordered().values_list("pk", flat=True)[:3]) and not page.has_previous


def test_a_cursor_is_signed_and_opaque(studios):
    cursor = KeysetPage(ordered(), None, 3).next_cursor
    assert signing.loads(cursor, salt=lists.CURSOR_SALT)["d"] == "n"
    tampered = cursor.replace(cursor[0], "A" if cursor[0] != "A" else "B", 1)
    assert not KeysetPage(ordered(), tampered, 3).has_previous


def test_the_count_is_exact_below_the_cap_and_capped_above(studios, monkeypatch):
    assert (KeysetPage(ordered(), None, 3).count, KeysetPage(ordered(), None, 3).count_is_capped) == (7, False)
    monkeypatch.setattr(lists, "COUNT_CAP", 5)
    page = KeysetPage(ordered(), None, 3)
    assert (page.count, page.count_is_capped) == (5, True)


def test_paginate_reads_the_cursor_from_the_query_string(studios, settings):
    settings.PAGE_SIZE = 2
    first = lists.paginate(RequestFactory().get("/"), ordered())
    second = lists.paginate(RequestFactory().get("/", {"cursor": first.next_cursor}), ordered())
    assert [s.pk for s in second] == list(ordered().values_list("pk", flat=True)[2:4])
