"""Documents are produced in the background: a page never waits for WeasyPrint."""
import datetime

from celery import shared_task
from django.utils import timezone

from core.queueing import enqueue
from core.tasks import RETRIED

from . import production
from .models import DocumentStatus, OfficialDocument

# A document still pending this long after it was asked for was not queued (Redis was down) or its message
# was lost; a younger one is probably still in the queue behind others.
WAITING = datetime.timedelta(minutes=2)


@shared_task(**RETRIED)
def produce_document(pk):
    """Renders one document (documents/production.py).

    Idempotent: it claims the document from pending to running with a compare-and-set, so a second delivery,
    or a second task queued by `produce_waiting_documents`, finds it claimed and renders nothing; a finished
    file is only ever replaced by a newer request. A render that fails is recorded on the document (the user
    asks again) rather than retried, since the same data fail the same way.
    """
    production.produce(pk)
    return pk


@shared_task(**RETRIED)
def produce_waiting_documents():
    """Every five minutes: queues the documents still pending two minutes after they were asked for — those
    asked for while Redis was down. Idempotent: it only queues, and `produce_document` renders each once."""
    waiting = OfficialDocument.objects.filter(status=DocumentStatus.PENDING,
                                              requested_at__lt=timezone.now() - WAITING).values_list("pk", flat=True)
    return sum(enqueue(produce_document, pk) for pk in waiting)
