"""Documents are produced in the background: a page never waits for WeasyPrint."""
from celery import shared_task

from . import production


@shared_task
def produce_document(pk):
    production.produce(pk)
    return pk
