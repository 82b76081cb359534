"""Asking for an official document: checked, kept while its data are unchanged, produced after commit."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.conflicts import Conflict
from core.queueing import enqueue_on_commit
from reviews.models import RoundPhase
from unions.models import Role
from unions.permissions import is_municipal_staff

from . import content
from .models import DocumentKind, DocumentStatus, OfficialDocument

# The phases in which each document has its data: the notice from the publicity on, the decision
# and the certificates once the naming decision is issued (第六条).
AVAILABLE_IN = {
    DocumentKind.NOTICE: {RoundPhase.PUBLICITY, RoundPhase.CONCLUDED},
    DocumentKind.DECISION: {RoundPhase.CONCLUDED},
    DocumentKind.CERTIFICATES: {RoundPhase.CONCLUDED},
}


def can_use_documents(user):
    """Municipal staff issue the documents; administrators may fetch them for printing."""
    return is_municipal_staff(user) or (user.is_authenticated and user.is_active and user.role == Role.ADMIN)


def require_document_user(user):
    if not can_use_documents(user):
        raise PermissionDenied(_("只有市总工会工作人员和系统管理员可以生成和下载公文。"))


def available(naming_round, kind):
    return naming_round.phase in AVAILABLE_IN[kind]


def has_documents(naming_round):
    """Whether any document of the round can be produced yet (its page is linked from the round)."""
    return any(available(naming_round, kind) for kind in AVAILABLE_IN)


@transaction.atomic
def document_request(actor, naming_round, kind):
    """The round's document of `kind`: the kept file when its data are unchanged, else queued for producing.

    A second request while one is queued or running for the same data queues nothing more.
    """
    from .tasks import produce_document

    require_document_user(actor)
    if kind not in DocumentKind.values:
        raise ValidationError(_("没有这种公文。"))
    if not available(naming_round, kind):
        raise Conflict(_("“%(kind)s”在“%(phases)s”阶段才能生成，本批次当前为“%(phase)s”。") % {
            "kind": DocumentKind(kind).label,
            "phases": "、".join(str(RoundPhase(p).label) for p in sorted(AVAILABLE_IN[kind], key=list(RoundPhase).index)),
            "phase": naming_round.get_phase_display()}, naming_round)
    fingerprint = content.fingerprint(kind, content.build(kind, naming_round))
    document, _created = OfficialDocument.objects.select_for_update().get_or_create(
        naming_round=naming_round, kind=kind, defaults={"fingerprint": fingerprint, "requested_by": actor})
    if not _created and document.fingerprint == fingerprint and document.status != DocumentStatus.FAILED:
        return document  # current, or already on its way
    document.fingerprint, document.status, document.progress, document.error = fingerprint, DocumentStatus.PENDING, 0, ""
    document.requested_by, document.requested_at = actor, timezone.now()
    document.save()
    # Pending is the record: should Redis be down, documents.tasks.produce_waiting_documents queues it later.
    enqueue_on_commit(produce_document, document.pk)
    return document
