from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.client_ip import client_ip

from .context import RequestContext, current
from .models import Action, Result
from .trail import record


class AuditMiddleware:
    """Makes the request's user and address known to audit writers (`context.current`), and records what a
    signed-in user was refused: a PermissionDenied (403) or an Http404 raised by a view — among them every
    object of another union (`get_scoped_object_or_404`). Goes after AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current.set(RequestContext(user=request.user, ip=client_ip(request), path=request.path))
        try:
            return self.get_response(request)
        finally:
            current.reset(token)

    def process_exception(self, request, exception):
        if isinstance(exception, (PermissionDenied, Http404)) and request.user.is_authenticated:
            status = 403 if isinstance(exception, PermissionDenied) else 404
            record(Action.ACCESS, result=Result.REFUSED, operation=f"{request.method} {status}",
                   object_repr=request.path, detail=str(exception)[:500])
        return None
