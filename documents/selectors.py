"""Reads for the documents page."""
from reviews.selectors import round_detail
from unions.scoping import get_scoped_object_or_404

from . import content, services
from .models import DocumentKind, OfficialDocument


def document_detail(user, pk):
    return get_scoped_object_or_404(user, OfficialDocument.objects.select_related("naming_round"), pk=pk)


def round_documents(user, round_pk):
    """The round and, for each kind, its kept document (or None), whether it can be produced now,
    and whether the kept file still shows the current data."""
    naming_round = round_detail(user, round_pk)
    kept = {d.kind: d for d in OfficialDocument.objects.filter(naming_round=naming_round)}
    rows = []
    for kind in DocumentKind:
        available = services.available(naming_round, kind)
        document = kept.get(kind)
        current = bool(document and available
                       and document.fingerprint == content.fingerprint(kind, content.build(kind, naming_round)))
        rows.append({"kind": kind, "document": document, "available": available, "current": current})
    return naming_round, rows
