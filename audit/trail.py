"""Writing audit entries. One writer at a time extends the chain: it locks the `AuditChain` row, so on
PostgreSQL two processes never give two entries the same predecessor."""
import ipaddress

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from core.personal_data import redact

from .context import current
from .models import AuditChain, AuditEntry, Result

OBJECT_REPR_LENGTH = AuditEntry._meta.get_field("object_repr").max_length


def _valid_ip(ip):
    try:
        return str(ipaddress.ip_address(ip)) if ip else None
    except ValueError:  # a garbled X-Forwarded-For is recorded as unknown, not trusted
        return None


def record(action, *, result=Result.SUCCESS, subject=None, object_repr="", operation="", detail="",
           user=None, username=None, ip=None):
    """Appends one entry. `user` and `ip` default to the current request's; `subject` is the object acted on
    (a model instance), `object_repr` a text for what has no row (a file name, a path)."""
    context = current.get()
    if user is None and context is not None and context.user.is_authenticated:
        user = context.user
    if ip is None and context is not None:
        ip = context.ip
    if user is not None and not user.is_authenticated:
        user = None
    # No identity or mobile number is ever kept here in full (个人信息保护法): a username typed at the login, a
    # comment or a file name may hold one.
    entry = AuditEntry(
        user=user, username=redact(username if username is not None else getattr(user, "username", "")),
        ip=_valid_ip(ip), action=action, operation=operation[:50], result=result, detail=redact(detail),
        object_repr=redact(object_repr or (str(subject) if subject is not None else ""))[:OBJECT_REPR_LENGTH],
    )
    if subject is not None:
        entry.content_type, entry.object_id = ContentType.objects.get_for_model(subject), subject.pk
    with transaction.atomic():
        chain = locked_chain()
        # The time is taken under the lock, so the chain's order is also the order of time (keyset pages).
        entry.seq, entry.time, entry.prev_hash = chain.last_seq + 1, timezone.now(), chain.last_hash
        entry.hash = entry.compute_hash()
        entry.save()
        AuditChain.objects.filter(pk=chain.pk).update(last_seq=entry.seq, last_hash=entry.hash)
    return entry


def locked_chain():
    chain = AuditChain.objects.select_for_update().filter(pk=1).first()
    if chain is None:  # a flushed test database; the migration creates it everywhere else
        chain, _created = AuditChain.objects.get_or_create(pk=1)
        chain = AuditChain.objects.select_for_update().get(pk=1)
    return chain
