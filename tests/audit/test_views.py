"""The auditor's page: who may see it, search, keyset pages, the export, and a query count that does not grow."""
import datetime
import html
import io
import re

import openpyxl
import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import Action, AuditEntry, Result
from audit.trail import record
from core.navigation import menu_for

pytestmark = pytest.mark.django_db
URL = reverse("audit:list")


@pytest.mark.parametrize("who", ["unit", "county", "city", "finance", "expert"])
def test_others_get_403_and_no_menu_entry(area, login, who):
    client = login(area[who])
    assert client.get(URL).status_code == 403
    assert client.get(reverse("audit:export")).status_code == 403
    assert URL not in {item.url for item in menu_for(area[who], "/")}


def test_the_auditor_sees_the_page_and_the_menu_entry(auditor, login):
    assert login(auditor).get(URL).status_code == 200
    assert URL in {item.url for item in menu_for(auditor, "/")}


def test_the_subsidy_auditors_of_the_area_have_the_view_through_their_group(area, login):
    # tests/subsidies' auditor is in the 审计 group made again by duty_group; the migration's grant still holds
    assert login(area["auditor"]).get(URL).status_code == 200


def _shown(client, **params):
    return [entry.pk for entry in client.get(URL, params).context["page"]]


def test_search_by_user_action_object_result_and_dates(auditor, login, area, monkeypatch):
    old = timezone.now() - datetime.timedelta(days=10)
    monkeypatch.setattr(timezone, "now", lambda: old)
    early = record(Action.EXPORT, user=area["city"], object_repr="申报汇总.xlsx")
    monkeypatch.undo()
    failed = record(Action.LOGIN_FAILED, result=Result.FAILURE, username="Mallory", object_repr="Mallory")
    download = record(Action.DOWNLOAD, user=area["unit"], object_repr="发票.pdf")
    client = login(auditor)
    assert _shown(client, user="mallory") == [failed.pk]
    assert _shown(client, user=area["unit"].username) == [download.pk]
    assert _shown(client, action="download") == [download.pk]
    assert _shown(client, object="申报汇总") == [early.pk]
    assert _shown(client, result="failure") == [failed.pk]
    today = timezone.localdate()
    until = (today - datetime.timedelta(days=5)).isoformat()
    assert _shown(client, until=until) == [early.pk]
    assert early.pk not in _shown(client, since=today.isoformat())


@override_settings(PAGE_SIZE=4)
def test_keyset_pages_walk_every_entry_once_newest_first(auditor, login):
    client = login(auditor)
    for i in range(9):
        record(Action.EXPORT, object_repr=f"翻页{i}.xlsx")
    seen, url = [], f"{URL}?object=翻页"
    for _page in range(4):  # 9 entries, 4 a page: 3 pages; more means a link led back
        response = client.get(url)
        seen += [entry.object_repr for entry in response.context["page"]]
        link = re.search(r'href="(\?[^"]*cursor=[^"]*)"[^>]*>下一页', response.content.decode())
        if link is None:
            assert not response.context["page"].has_next
            break
        url = URL + html.unescape(link.group(1))  # the page's own link, as a browser follows it
        assert "OFFSET" not in _sql_of(client, url)
    assert seen == [f"翻页{i}.xlsx" for i in reversed(range(9))]


def _sql_of(client, url):
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return " ".join(query["sql"] for query in queries.captured_queries).upper()


def test_a_garbled_cursor_gives_the_first_page(auditor, login):
    client = login(auditor)
    entry = record(Action.EXPORT, object_repr="x.xlsx")
    assert entry.pk in _shown(client, cursor="not-a-cursor")


def test_the_export_holds_the_entries_found_and_is_itself_recorded(auditor, login, area):
    record(Action.DOWNLOAD, user=area["unit"], object_repr="发票.pdf")
    record(Action.EXPORT, user=area["city"], object_repr="名录.xlsx")
    response = login(auditor).get(reverse("audit:export"), {"action": "download"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [(row[2], row[4], row[7], row[8]) for row in rows] == [(area["unit"].username, "下载文件", "发票.pdf",
                                                                    "成功")]
    entry = AuditEntry.objects.filter(action=Action.EXPORT).latest("seq")
    assert (entry.user, entry.detail) == (auditor, "审计记录: 1")


def test_the_page_costs_the_same_queries_for_any_number_of_entries(auditor, login, area):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(auditor)
    client.get(URL)  # warm the content type cache
    counts = []
    for rows in (1, 3):
        for i in range(rows):
            record(Action.TRANSITION, subject=area["studio"], user=area["city"], detail=f"第{i}步")
            record(Action.DOWNLOAD, user=area["unit"], object_repr=f"{i}.pdf")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 12
