"""Helpers shared by the naming workflow's views."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError

from .. import selectors
from ..permissions import can_manage_rounds


def add_form_errors(form, error):
    """A service's ValidationError shown on the form: on its field when there is one, else above the form."""
    for field, errors in error.message_dict.items() if hasattr(error, "error_dict") else [(None, error.messages)]:
        form.add_error(field if field in form.fields else None, errors)


def submit_form(request, form, call, success):
    """Runs a service with a valid form's data. True when it is done; False when the service refused the data, its
    reasons now shown on the form. A refusal for the object's state (core.conflicts) answers 409 on its own."""
    try:
        call(form.cleaned_data)
    except ValidationError as error:
        add_form_errors(form, error)
        return False
    else:
        messages.success(request, success)
    return True


def report_errors(request, error):
    """Each message of a refused action, shown at the top of the next page."""
    for text in getattr(error, "messages", [str(error)]):
        messages.error(request, text)


def manager_round(request, round_pk):
    """The round, if the user may see it (else 404) and manage it (else 403)."""
    naming_round = selectors.round_detail(request.user, round_pk)
    if not can_manage_rounds(request.user):
        raise PermissionDenied
    return naming_round
