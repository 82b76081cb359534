"""Celery as configured for the project: every task retried and safe to run twice, every beat job shown to
have the effect of one run when run twice, and a send that never waits on a broker that is down.

A real worker against the real Redis: tests/core/test_outbox.py (the every-minute job once Redis is back)."""
import importlib
import time

from django.conf import settings
from django.db import OperationalError

from config.celery import app as celery_app
from core.queueing import enqueue
from core.tasks import deliver_outbox

PROJECT_APPS = ("core", "reviews", "assessments", "documents", "studios", "subsidies", "unions", "audit", "rules")

# Each beat job and the test that runs it twice and finds the effect of one run.
RUN_TWICE = {
    "core.tasks.flush_outbox": "tests.core.test_outbox.test_delivering_a_row_twice_sends_one_email",
    "reviews.tasks.approve_ended_publicities":
        "tests.reviews.test_decision_and_naming.test_the_nightly_job_run_twice_confirms_once",
    "reviews.tasks.remind_experts": "tests.reviews.test_panels.test_the_expert_reminder_job_run_twice_reminds_once",
    "assessments.tasks.remind_annual": "tests.assessments.test_annual.test_the_reminder_job_run_twice_reminds_once",
    "assessments.tasks.rectification_deadlines":
        "tests.assessments.test_rectification.test_the_deadline_job_run_twice_has_the_effect_of_once",
    "documents.tasks.produce_waiting_documents":
        "tests.documents.test_documents.test_a_document_asked_for_while_redis_was_down_is_produced_once_by_the_job",
}


def _project_tasks():
    celery_app.loader.import_default_modules()
    return {name: task for name, task in celery_app.tasks.items() if name.split(".")[0] in PROJECT_APPS}


def test_every_task_retries_transient_errors_acks_late_and_says_why_it_is_idempotent():
    tasks = _project_tasks()
    assert set(RUN_TWICE) < set(tasks)
    for name, task in tasks.items():
        assert OperationalError in task.autoretry_for, name
        assert task.retry_backoff and task.max_retries == 5 and task.acks_late, name
        assert "Idempotent" in task.__doc__, name


def test_every_beat_job_has_a_test_that_runs_it_twice():
    assert {job["task"] for job in settings.CELERY_BEAT_SCHEDULE.values()} == set(RUN_TWICE)
    for test in RUN_TWICE.values():
        module, name = test.rsplit(".", 1)
        assert callable(getattr(importlib.import_module(module), name)), test


def test_queueing_to_a_broker_that_is_down_gives_up_within_a_second(broker, caplog):
    broker.down()
    started = time.monotonic()
    assert enqueue(deliver_outbox, [1]) is False
    assert time.monotonic() - started < 1
    assert "was not queued" in caplog.text

