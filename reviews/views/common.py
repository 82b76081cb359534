"""Helpers shared by the naming workflow's views."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from .. import (
    selectors,
)
from ..permissions import can_manage_rounds


def _add_errors(form, error):
    for field, errors in error.message_dict.items() if hasattr(error, "error_dict") else [(None, error.messages)]:
        form.add_error(field if field in form.fields else None, errors)


@login_required


def _report(request, error):
    for text in getattr(error, "messages", [str(error)]):
        messages.error(request, text)


def _manager_round(request, round_pk):
    naming_round = selectors.round_detail(request.user, round_pk)
    if not can_manage_rounds(request.user):
        raise PermissionDenied
    return naming_round
