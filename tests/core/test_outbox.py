"""The transactional outbox (issue 7, point 11): an action's e-mail is a row of its transaction, delivered once
after the commit, or later by the every-minute job when Redis was down; failures are retried, then flagged."""
import datetime
import json
import os
import subprocess
import sys
import time

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from assessments.models import Rectification, RectificationStatus
from core import outbox
from core.models import Notification, OutboxMessage, OutboxStatus
from core.notifications import notify
from core.tasks import deliver_outbox, flush_outbox
from tests import factories
from tests.assessments.conftest import city_area  # noqa: F401 (fixture)
from tests.assessments.test_rectification import rectification  # noqa: F401 (fixture)
from tests.conftest import closed_port
from unions.models import Role

requires_redis = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"), reason="REDIS_URL not set: .ci/run runs this against the real Redis"
)
REPORT = {"action": "report", "report-report": "制度已修订上墙，每月开展一次攻关活动。"}


@pytest.fixture
def staff(root):
    return [factories.user_with_role(Role.MUNICIPAL_STAFF) for _ in range(2)]


@pytest.fixture
def report_url(city_area, rectification):  # noqa: F811
    """The page where the unit reports its rectification; the set-up's own e-mails are out of the way."""
    OutboxMessage.objects.all().delete()
    mail.outbox.clear()
    return reverse("assessments:rectification_detail", args=[rectification.pk])


def _status(rectification):  # noqa: F811
    return Rectification.objects.get(pk=rectification.pk).status


def test_an_action_writes_its_messages_and_outbox_row_and_sends_after_commit(
        city_area, rectification, report_url, login, django_capture_on_commit_callbacks):  # noqa: F811
    with django_capture_on_commit_callbacks(execute=False) as after_commit:
        assert login(city_area["unit"]).post(report_url, REPORT).status_code == 302
    assert _status(rectification) == RectificationStatus.REPORTED
    told = Notification.objects.filter(title__contains="报告了整改情况")
    assert {n.recipient for n in told} == {city_area["city"], city_area["county"]}
    message = OutboxMessage.objects.get()
    assert (message.status, message.attempts, message.kind) == (OutboxStatus.PENDING, 0, "email")
    assert message.payload["to"] == sorted([city_area["city"].email, city_area["county"].email])
    assert mail.outbox == []  # nothing leaves before the commit
    for callback in after_commit:
        callback()
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.SENT, 1) and message.sent_at is not None
    assert len(mail.outbox) == 1 and "报告了整改情况" in mail.outbox[0].subject


def test_a_rolled_back_action_leaves_neither_message_nor_outbox_row(staff):
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(staff, "有新的申报待审核")
        raise RuntimeError("the action failed after notifying")
    assert not Notification.objects.exists() and not OutboxMessage.objects.exists() and mail.outbox == []


def test_delivering_a_row_twice_sends_one_email(staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        notify(staff, "有新的申报待审核", "请及时处理。")
    message = OutboxMessage.objects.get()
    assert deliver_outbox.delay([message.pk]).get() == 1
    assert deliver_outbox.delay([message.pk]).get() == 0  # a duplicate delivery of the task
    assert flush_outbox.delay().get() == 0
    call_command("flush_outbox")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["Message-ID"] == f"<{message.key}@127.0.0.1>"
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.SENT, 1)


def test_a_failing_mail_server_is_retried_with_backoff_then_flagged_for_staff(
        staff, settings, client, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port(), 2
    settings.OUTBOX_MAX_ATTEMPTS = 3
    with django_capture_on_commit_callbacks(execute=True):  # the first attempt, right after the commit
        notify(staff, "有新的申报待审核")
    message = OutboxMessage.objects.get()
    assert (message.status, message.attempts) == (OutboxStatus.PENDING, 1)
    assert message.last_error.startswith("ConnectionRefusedError")
    wait = message.next_attempt_at - timezone.now()
    assert datetime.timedelta(seconds=50) < wait <= datetime.timedelta(minutes=1)
    assert outbox.flush() == 0 and OutboxMessage.objects.get().attempts == 1  # not due yet: not tried
    for attempts, delay in ((2, 2), (3, None)):
        OutboxMessage.objects.update(next_attempt_at=timezone.now())  # the wait is over
        assert outbox.flush() == 0
        message.refresh_from_db()
        assert message.attempts == attempts
        if delay:
            assert message.status == OutboxStatus.PENDING
            assert message.next_attempt_at - timezone.now() > datetime.timedelta(minutes=delay, seconds=-10)
    assert message.status == OutboxStatus.FAILED  # given up after OUTBOX_MAX_ATTEMPTS, left for staff
    OutboxMessage.objects.update(next_attempt_at=timezone.now())
    assert outbox.flush() == 0 and OutboxMessage.objects.get().attempts == 3  # no longer tried
    health = json.loads(client.get(reverse("healthz")).content)
    assert health["status"] == "degraded" and health["outbox"]["failed"] == 1

    # Staff fix the mail server and send it again from the admin.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    admin = factories.user_with_role(Role.ADMIN, is_superuser=True)
    client.force_login(admin)
    changelist = reverse("admin:core_outboxmessage_changelist")
    assert "ConnectionRefusedError" in client.get(changelist + "?status__exact=failed").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(changelist, {"action": "send_again", "_selected_action": [message.pk]})
    assert response.status_code == 302
    message.refresh_from_db()
    assert (message.status, message.attempts, len(mail.outbox)) == (OutboxStatus.SENT, 1, 1)
    assert json.loads(client.get(reverse("healthz")).content)["outbox"] == {
        "ok": True, "pending": 0, "late": 0, "failed": 0}


def test_healthz_reports_rows_left_pending_too_long(staff, client, settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        notify(staff, "有新的申报待审核")
    assert json.loads(client.get(reverse("healthz")).content)["outbox"] == {
        "ok": True, "pending": 1, "late": 0, "failed": 0}
    late = datetime.timedelta(minutes=settings.OUTBOX_LATE_MINUTES + 1)
    OutboxMessage.objects.update(created_at=timezone.now() - late)
    health = json.loads(client.get(reverse("healthz")).content)
    assert health["status"] == "degraded" and health["outbox"]["late"] == 1


def test_a_reminder_with_a_key_reaches_each_person_once(staff):
    assert notify(staff[:1], "评分提醒", key="expert-reminder:1:2026-06-01:3") == 1
    assert notify(staff, "评分提醒", key="expert-reminder:1:2026-06-01:3") == 1  # only the one not yet told
    assert notify(staff, "评分提醒", key="expert-reminder:1:2026-06-01:0") == 2  # another day, another reminder
    assert Notification.objects.filter(recipient=staff[0]).count() == 2
    assert OutboxMessage.objects.count() == 3


@pytest.mark.django_db(transaction=True)  # the action commits as in production, its after-commit work inside it
def test_with_redis_down_an_action_is_accepted_at_once_and_its_email_waits(
        city_area, rectification, report_url, login, broker, caplog):  # noqa: F811
    broker.down()
    client = login(city_area["unit"])
    started = time.monotonic()
    response = client.post(report_url, REPORT)
    assert response.status_code == 302 and time.monotonic() - started < 2
    assert _status(rectification) == RectificationStatus.REPORTED
    assert Notification.objects.filter(title__contains="报告了整改情况").count() == 2
    message = OutboxMessage.objects.get()
    assert (message.status, message.attempts) == (OutboxStatus.PENDING, 0) and mail.outbox == []
    assert "core.tasks.deliver_outbox" in caplog.text and "was not queued" in caplog.text
    # By hand (no broker needed), as an operator would: once, however often it is run.
    call_command("flush_outbox")
    call_command("flush_outbox")
    assert len(mail.outbox) == 1 and mail.outbox[0].recipients() == message.payload["to"]
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.SENT, 1)


def _test_database_url():
    """The database this test runs in, for a worker in another process."""
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.redis
@requires_redis
@pytest.mark.django_db(transaction=True)
def test_once_redis_is_back_the_every_minute_job_delivers_through_a_real_worker_exactly_once(
        city_area, rectification, report_url, login, broker):  # noqa: F811
    if connection.vendor != "postgresql":
        pytest.skip("the worker shares the test's database only on PostgreSQL; .ci/run runs this there")
    broker.down()
    assert login(city_area["unit"]).post(report_url, REPORT).status_code == 302
    message = OutboxMessage.objects.get()
    assert message.status == OutboxStatus.PENDING

    broker.real()
    queue = f"test-{os.getpid()}-{time.time_ns()}"  # our own queue: no other worker can take the task
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_test", "DATABASE_URL": _test_database_url()}
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--concurrency=1",
         "-Q", queue, "--without-heartbeat", "--without-gossip", "--without-mingle", "--loglevel=INFO"],
        cwd=django_settings.BASE_DIR, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        # What beat sends every minute, twice: the first run sends the e-mail, the second finds nothing due.
        first = flush_outbox.apply_async(queue=queue, ignore_result=False)
        assert first.get(timeout=60) == 1
        second = flush_outbox.apply_async(queue=queue, ignore_result=False)
        assert second.get(timeout=60) == 0
    finally:
        worker.terminate()
        output, _ = worker.communicate(timeout=30)
    assert "core.tasks.flush_outbox" in output and "succeeded" in output, output
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.SENT, 1)
    assert outbox.flush() == 0 and mail.outbox == []  # sent by the worker, not again here
