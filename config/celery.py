"""The Celery app. Tasks travel through Redis when REDIS_URL is set, else run eagerly."""
import logging
import os
import time

from celery import Celery
from celery.signals import worker_init, worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


logger = logging.getLogger(__name__)


def _warm_up_documents():
    from django.conf import settings

    if settings.DOCUMENT_WARM_UP:
        from documents.rendering import warm_up

        started = time.perf_counter()
        warm_up()
        logger.info("document renderer and fonts loaded in %.2f s", time.perf_counter() - started)


@worker_process_init.connect
def warm_up_pool_process(**kwargs):
    """Each process of a prefork pool loads WeasyPrint and the fonts as it starts (documents.rendering.warm_up),
    before it takes a task: the first naming decision a user asks for then takes as long as any other."""
    _warm_up_documents()


@worker_init.connect
def require_the_keys(**kwargs):
    """No worker takes a task without the personal data's keys (core.encryption.require_keys)."""
    from core.encryption import require_keys

    require_keys()


@worker_init.connect
def warm_up_solo_worker(sender=None, **kwargs):
    """A worker with `--pool=solo` or `threads` renders in its own process, which no `worker_process_init` reaches;
    a prefork worker's parent renders nothing and is left alone."""
    if sender is not None and "prefork" not in str(getattr(sender, "pool_cls", "prefork")).lower():
        _warm_up_documents()
