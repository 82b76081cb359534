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
    if kind == DocumentKind.CERTIFICATES:
        return certificates_pdf(data, on_progress)
    return rendering.write_pdf([rendering.render_document(TEMPLATES[kind], data)])


def certificates_pdf(data, on_progress=lambda percent: None):
    """The certificates laid out and written part by part, then joined: (pdf bytes, page count).

    Each part's laid-out pages are dropped once it is written, so a worker's memory stays flat however many
    studios there are, and the progress is reported after each part.
    """
    rows, parts = data["rows"], []
    for start in range(0, max(len(rows), 1), CERTIFICATES_PER_PART):
        part = rendering.render_document(TEMPLATES[DocumentKind.CERTIFICATES],
                                         {**data, "rows": rows[start:start + CERTIFICATES_PER_PART]})
        parts.append(rendering.write_pdf([part])[0])
        on_progress(min(95, 5 + 90 * (start + CERTIFICATES_PER_PART) // max(len(rows), 1)))
    return rendering.join_pdfs(parts)


def produce(pk):
    """Renders the document and keeps the file; a failure is recorded on the document, not lost.

    Renders at most once per request, however often the task is delivered: it first claims the document
    (pending → running, a compare-and-set that touches one row or none), so a duplicate finds it claimed and
    returns. The file is kept only if the document still asks for the data that were rendered: asked for again
    with changed data meanwhile, the newer request's render wins and this one is dropped, so a late render never
    overwrites a newer file.
    """
    document = OfficialDocument.objects.select_related("naming_round__rule_set").get(pk=pk)
    fingerprint = document.fingerprint
    claimed = OfficialDocument.objects.filter(pk=pk, status=DocumentStatus.PENDING, fingerprint=fingerprint)
    if not claimed.update(status=DocumentStatus.RUNNING, progress=5):
        return None  # a duplicate task: produced, being produced, or failed and waiting to be asked for again
    mine = OfficialDocument.objects.filter(pk=pk, status=DocumentStatus.RUNNING, fingerprint=fingerprint)
    try:
        pdf, pages = pdf_for(document.kind, document.naming_round,
                             on_progress=lambda percent: mine.update(progress=percent))
    except Exception as error:  # recorded for the user, with the traceback in the log
        logger.exception("document %s could not be produced", pk)
        mine.update(status=DocumentStatus.FAILED, error=f"{type(error).__name__}: {error}")
        return None
    with atomic_with_files():
        document = mine.select_for_update().first()
        if document is None:
            return None  # asked for again with other data while this one rendered
        old = document.file.name
        store(document.file, document.filename, ContentFile(pdf))
        document.status, document.progress, document.pages = DocumentStatus.READY, 100, pages
        document.finished_at = timezone.now()
        document.save()
        if old and old != document.file.name:
            transaction.on_commit(lambda: document.file.storage.delete(old))
    return document
