"""Who is asking, and from where, for writers that are not handed the request (the transition log, downloads).

`AuditMiddleware` sets it for the length of a request; outside a request (Celery, the shell) it is empty and the
entry has no IP address.
"""
import contextvars
from dataclasses import dataclass



@dataclass(frozen=True)
class RequestContext:
    user: object
    ip: str | None
    path: str


current = contextvars.ContextVar("audit_request", default=None)

