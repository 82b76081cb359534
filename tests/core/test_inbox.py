import pytest
from django.core import mail
from django.urls import reverse

from core.models import Notification
from core.notifications import notify, unread_count
from tests import factories
from unions.models import Role


@pytest.fixture
def people(root):
    return [factories.user_with_role(Role.MUNICIPAL_STAFF) for _ in range(2)]


def test_notify_writes_the_inbox_and_mails_after_commit(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert notify(people, "有新的申报待审核", "请及时处理。", "/studios/") == 2
    assert all(unread_count(u) == 1 for u in people)
    assert len(mail.outbox) == 1 and sorted(mail.outbox[0].bcc) == sorted(u.email for u in people)
    # recipients do not see each other's addresses (个人信息保护法 第五十一条: 防止泄露)
    headers = mail.outbox[0].message()
    assert headers["To"] == "undisclosed-recipients:;" and "Bcc" not in headers
    assert not any(u.email in headers.as_string() for u in people)


def test_a_notice_to_one_person_is_addressed_to_them(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(people[:1], "有新的申报待审核", "请及时处理。", "/studios/")
    assert mail.outbox[0].to == [people[0].email] and mail.outbox[0].bcc == []
    assert "有新的申报待审核" in mail.outbox[0].subject and "http://127.0.0.1:8000/studios/" in mail.outbox[0].body


def test_notify_sends_no_mail_when_the_transaction_rolls_back(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(people, "标题")
    assert len(callbacks) == 1  # queued for after commit, not sent inside the transaction
    assert mail.outbox == []


def test_inactive_users_are_not_notified(people):
    people[1].is_active = False
    assert notify(people, "标题") == 1


def test_inbox_lists_only_my_messages_and_opening_marks_read(people, login):
    notify(people[:1], "给我的", url=reverse("studios:list"))
    notify(people[1:], "给别人的")
    client = login(people[0])
    html = client.get(reverse("inbox")).content.decode()
    assert "给我的" in html and "给别人的" not in html
    mine = Notification.objects.get(title="给我的")
    response = client.post(reverse("inbox_open", args=[mine.pk]))
    assert response.status_code == 302 and response.url == reverse("studios:list")
    assert unread_count(people[0]) == 0


def test_opening_someone_elses_message_is_404_and_changes_nothing(people, login):
    notify(people[1:], "给别人的")
    theirs = Notification.objects.get()
    assert login(people[0]).post(reverse("inbox_open", args=[theirs.pk])).status_code == 404
    assert unread_count(people[1]) == 1


def test_external_links_are_not_followed(people, login):
    notify(people[:1], "钓鱼", url="https://evil.example/")
    message = Notification.objects.get()
    assert login(people[0]).post(reverse("inbox_open", args=[message.pk])).url == reverse("inbox")


def test_mark_all_read_and_unread_badge(people, login):
    notify(people[:1], "一")
    notify(people[:1], "二")
    client = login(people[0])
    assert 'class="inbox-link__count"' in client.get(reverse("dashboard")).content.decode()
    client.post(reverse("inbox_read_all"))
    assert unread_count(people[0]) == 0
    assert 'class="inbox-link__count"' not in client.get(reverse("dashboard")).content.decode()


def test_inbox_empty_state_and_get_is_not_allowed_on_actions(people, login):
    client = login(people[0])
    assert "暂无消息" in client.get(reverse("inbox")).content.decode()
    assert client.get(reverse("inbox_read_all")).status_code == 405


def test_inbox_queries_do_not_grow(people, login, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(people[0])
    notify(people[:1], "一")
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("inbox"))
    for i in range(3):
        notify(people[:1], f"更多{i}")
    with CaptureQueriesContext(connection) as four:
        client.get(reverse("inbox"))
    assert len(one) == len(four)
