"""Producing a document's PDF: its template per kind, certificates in parts so progress can be shown."""
import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from core.stored_files import atomic_with_files, store

from . import content, rendering
from .models import DocumentKind, DocumentStatus, OfficialDocument

logger = logging.getLogger(__name__)

TEMPLATES = {
    DocumentKind.DECISION: "documents/naming_decision.html",
    DocumentKind.NOTICE: "documents/publicity_notice.html",
    DocumentKind.CERTIFICATES: "documents/certificates.html",
}
# Certificates are laid out this many at a time; progress is reported after each part.
CERTIFICATES_PER_PART = 25


def pdf_for(kind, naming_round, on_progress=lambda percent: None):
    """(pdf bytes, page count) of the round's document of `kind`, from its current data."""
    data = content.build(kind, naming_round)
    template = TEMPLATES[kind]
    if kind != DocumentKind.CERTIFICATES:
        return rendering.write_pdf([rendering.render_document(template, data)])
    rows, parts = data["rows"], []
    for start in range(0, max(len(rows), 1), CERTIFICATES_PER_PART):
        parts.append(rendering.render_document(template, {**data, "rows": rows[start:start + CERTIFICATES_PER_PART]}))
        on_progress(min(95, 5 + 90 * (start + CERTIFICATES_PER_PART) // max(len(rows), 1)))
    return rendering.write_pdf(parts)


def _set(pk, **fields):
    OfficialDocument.objects.filter(pk=pk).update(**fields)


def produce(pk):
    """Renders the document and keeps the file; a failure is recorded on the document, not lost."""
    document = OfficialDocument.objects.select_related("naming_round__rule_set").get(pk=pk)
    if document.status not in (DocumentStatus.PENDING, DocumentStatus.FAILED):
        return document  # a duplicate task for a document already produced or being produced
    _set(pk, status=DocumentStatus.RUNNING, progress=5)
    naming_round = document.naming_round
    try:
        pdf, pages = pdf_for(document.kind, naming_round, on_progress=lambda percent: _set(pk, progress=percent))
    except Exception as error:  # recorded for the user, with the traceback in the log
        logger.exception("document %s could not be produced", pk)
        _set(pk, status=DocumentStatus.FAILED, error=f"{type(error).__name__}: {error}")
        return None
    with atomic_with_files():
        document = OfficialDocument.objects.select_for_update().get(pk=pk)
        old = document.file.name
        store(document.file, document.filename, ContentFile(pdf))
        document.status, document.progress, document.pages = DocumentStatus.READY, 100, pages
        document.finished_at = timezone.now()
        document.save()
        if old and old != document.file.name:
            transaction.on_commit(lambda: document.file.storage.delete(old))
    return document
