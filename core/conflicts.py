"""Refusals for the state an object is in, answered 409 Conflict in one place (issue 7, point 3).

A service refuses in one of three ways, and each has its own answer:

- PermissionDenied: this user may not do this at all (a role, an article of the rules): 403;
- Conflict: the action is not possible in the object's current state or phase — out of order, a double
  submit, already handled by someone else, a step before it not done. Whatever the user posts, the answer
  stays the same until the object moves on: 409, with the reason and a link back to the object;
- ValidationError: the data posted are wrong; other data would do. The form is shown again with its errors.

`ConflictMiddleware` turns a Conflict raised anywhere in a view into the 409 page and its audit entry, so views
need not catch it.
"""
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.urls import reverse

from audit.models import Action, Result
from audit.trail import record


class Conflict(Exception):
    """The action is not allowed in the object's current state or phase. `subject` is the object refused, whose
    page (`get_absolute_url`) the 409 page links back to."""

    def __init__(self, message, subject=None):
        super().__init__(str(message))
        self.subject = subject


def back_url(request, conflict):
    """The refused object's page; else the page the form was on (same site only); else the dashboard."""
    url = getattr(conflict.subject, "get_absolute_url", None)
    if url is not None:
        return url()
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()},
                                                   require_https=request.is_secure()):
        return referer
    return reverse("dashboard")


class ConflictMiddleware:
    """Renders a Conflict as templates/409.html with status 409 and records it in the audit trail (result
    `conflict`) for a signed-in user, like the refused 403 and 404 (audit.middleware). An htmx request gets the
    same page, told to replace the main content (templates/base.html lets htmx swap a 409). Goes after
    AuditMiddleware, whose request context names the user and address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, Conflict):
            return None
        if request.user.is_authenticated:  # as for 403 and 404: the public objection form writes no entry
            subject = exception.subject if hasattr(exception.subject, "_meta") else None
            record(Action.ACCESS, result=Result.CONFLICT, subject=subject, object_repr=request.path,
                   operation=f"{request.method} 409", detail=str(exception)[:500])
        response = render(request, "409.html", {"reason": str(exception), "back_url": back_url(request, exception)},
                          status=409)
        if getattr(request, "htmx", False):
            response["HX-Retarget"] = "#main"
            response["HX-Reselect"] = "#main"
            response["HX-Reswap"] = "outerHTML"
        return response
