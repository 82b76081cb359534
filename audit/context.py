"""Who is asking, and from where, for writers that are not handed the request (the transition log, downloads).

`AuditMiddleware` sets it for the length of a request; outside a request (Celery, the shell) it is empty and the
entry has no IP address.
"""
import contextvars
from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class RequestContext:
    user: object
    ip: str | None
    path: str


current = contextvars.ContextVar("audit_request", default=None)


def client_ip(request):
    """REMOTE_ADDR, or behind our own proxy (BEHIND_PROXY) the address it appended last to X-Forwarded-For:
    the entries before it are whatever the client sent and prove nothing."""
    if settings.BEHIND_PROXY:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if forwarded[-1]:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR") or None
