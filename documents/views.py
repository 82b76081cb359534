"""The documents of a round: produce in the background, watch the progress in place, download."""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core.downloads import download
from reviews.views.common import report_errors

from . import selectors, services
from .models import DocumentStatus


def _page(request, round_pk, template):
    services.require_document_user(request.user)
    naming_round, rows = selectors.round_documents(request.user, round_pk)
    return render(request, template, {"round": naming_round, "rows": rows})


@login_required
def round_documents(request, round_pk):
    return _page(request, round_pk, "documents/round_documents.html")


@login_required
def round_documents_status(request, round_pk):
    """The cards alone, polled by htmx while a document is being produced."""
    return _page(request, round_pk, "documents/_document_cards.html")


@require_POST
@login_required
def document_produce(request, round_pk, kind):
    services.require_document_user(request.user)
    naming_round, _rows = selectors.round_documents(request.user, round_pk)
    try:
        services.document_request(request.user, naming_round, kind)
    except ValidationError as error:
        report_errors(request, error)
    if request.htmx:
        return round_documents_status(request, round_pk)
    return redirect("documents:round_documents", round_pk)


@login_required
def document_download(request, pk):
    services.require_document_user(request.user)
    document = selectors.document_detail(request.user, pk)
    if document.status != DocumentStatus.READY or not document.file:
        raise Http404
    return download(document.file.open("rb"), document.filename, "application/pdf", subject=document)
