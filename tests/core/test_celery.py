"""Celery: a real worker against the real Redis when REDIS_URL is set; eager otherwise."""
import os
import subprocess
import sys
import time

import pytest
from django.conf import settings

from config.celery import app as celery_app
from core.tasks import send_email

requires_redis = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"), reason="REDIS_URL not set: .ci/run runs this against the real Redis"
)


def test_task_sends_mail_and_skips_empty_addresses(mailoutbox):
    assert send_email.delay("主题", "正文", ["a@example.cn", ""]).get() == 1
    assert send_email.delay("主题", "正文", [""]).get() == 0
    assert [m.to for m in mailoutbox] == [["a@example.cn"]]


@pytest.fixture
def through_broker():
    """The suite runs tasks in-process; this test sends one through the broker."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = previous


@pytest.mark.redis
@requires_redis
def test_a_real_worker_completes_a_task_sent_through_redis(through_broker):
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    queue = f"test-{os.getpid()}-{time.time_ns()}"  # our own queue: no other worker can take the task
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_test"}
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--concurrency=1",
         "-Q", queue, "--without-heartbeat", "--without-gossip", "--without-mingle", "--loglevel=INFO"],
        cwd=settings.BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        result = send_email.apply_async(("主题", "正文", ["worker@example.cn"]), queue=queue)
        assert result.get(timeout=60) == 1
        assert result.successful()
    finally:
        worker.terminate()
        output, _ = worker.communicate(timeout=30)
    assert "core.tasks.send_email" in output and "succeeded" in output, output
