"""Each kind of event writes one entry with user, IP, action, object and result."""
from decimal import Decimal

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from audit.models import Action, AuditEntry, Result
from core.models import TransitionLog
from subsidies.models import ExpenseCategory, GrantStatus, SubsidyGrant
from subsidies import ledger_services
from tests.subsidies.conftest import TODAY, YEAR, planned, prepared, receipt, transferred

pytestmark = pytest.mark.django_db
IP = {"REMOTE_ADDR": "10.1.2.3"}


def _last(action):
    return AuditEntry.objects.filter(action=action).order_by("-seq").first()


def test_a_login_is_recorded_with_user_and_address(client, area):
    user = area["city"]
    user.set_password("Jieyang-2026-x")
    user.save()
    response = client.post(reverse("login"), {"username": user.username, "password": "Jieyang-2026-x"}, **IP)
    assert response.status_code == 302
    entry = _last(Action.LOGIN)
    assert (entry.user, entry.username, entry.ip, entry.result) == (user, user.username, "10.1.2.3", Result.SUCCESS)


def test_a_failed_login_keeps_the_name_as_typed_and_never_the_password(client, db):
    client.post(reverse("login"), {"username": "nobody", "password": "secret-guess-1"}, **IP)
    entry = _last(Action.LOGIN_FAILED)
    assert (entry.user, entry.username, entry.ip, entry.result) == (None, "nobody", "10.1.2.3", Result.FAILURE)
    assert "secret" not in entry.detail + entry.object_repr


def test_a_logout_is_recorded(area, login):
    client = login(area["unit"])
    client.post(reverse("logout"), **IP)
    entry = _last(Action.LOGOUT)
    assert (entry.user, entry.ip, entry.result) == (area["unit"], "10.1.2.3", Result.SUCCESS)


def test_a_transition_posted_on_a_page_is_recorded_with_the_request_address(area, login):
    grant = planned(area)
    data = {"action": "approve", "approve-from_status": "planned", "approve-decision_number": f"揭工总〔{YEAR}〕30号"}
    response = login(area["city"]).post(reverse("subsidies:detail", args=[grant.pk]), data, **IP)
    assert response.status_code == 302
    entry = _last(Action.TRANSITION)
    assert (entry.user, entry.ip, entry.result, entry.operation) == (area["city"], "10.1.2.3", Result.SUCCESS,
                                                                      "subsidy_approve")
    log = TransitionLog.objects.latest("pk")  # the subsidy's steps are logged on the studio's history
    assert (entry.content_type, entry.object_id, entry.object_repr) == (log.content_type, log.object_id,
                                                                        str(log.subject))


def test_every_logged_transition_writes_an_entry_even_outside_a_request(area):
    prepared(area)  # the account, the plan, the approval, the transfer: by the service layer
    logged = TransitionLog.objects.values_list("content_type", "object_id", "transition")
    audited = AuditEntry.objects.filter(action=Action.TRANSITION).values_list("content_type", "object_id",
                                                                               "operation")
    assert len(logged) == 4 and sorted(audited) == sorted(logged)
    entry = _last(Action.TRANSITION)
    last_logged = TransitionLog.objects.latest("pk")
    assert (entry.user, entry.ip, entry.object_id) == (area["city"], None, last_logged.object_id)


def test_a_rolled_back_transition_leaves_no_entry(area):
    count = AuditEntry.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        planned(area)
        raise RuntimeError("failure after the transition")
    assert AuditEntry.objects.count() == count


def test_an_export_is_recorded_with_its_subject_and_row_count(area, login):
    grant = transferred(area)
    response = login(area["unit"]).get(reverse("subsidies:ledger_export", args=[grant.pk]), **IP)
    assert response.status_code == 200
    entry = _last(Action.EXPORT)
    assert (entry.user, entry.ip, entry.result, entry.object_id) == (area["unit"], "10.1.2.3", Result.SUCCESS,
                                                                      grant.pk)
    assert entry.object_repr.endswith(".xlsx") and entry.detail.endswith(": 2")  # the transfer and the sum
    assert not AuditEntry.objects.filter(action=Action.DOWNLOAD).exists()  # one entry, not two


def test_a_download_is_recorded_with_the_file_and_its_record(area, login):
    grant = transferred(area)
    expense = ledger_services.expense_record(area["unit"], grant, occurred_on=TODAY, amount=Decimal("100.00"),
                                             category=ExpenseCategory.EQUIPMENT, description="采购对刀仪",
                                             receipt=receipt("发票.pdf"))
    response = login(area["county"]).get(reverse("subsidies:receipt", args=[expense.pk]), **IP)
    assert response.status_code == 200
    entry = _last(Action.DOWNLOAD)
    assert (entry.user, entry.ip, entry.result, entry.object_id, entry.object_repr) == (
        area["county"], "10.1.2.3", Result.SUCCESS, expense.pk, "发票.pdf")


def test_a_forbidden_action_is_recorded_as_refused_and_changes_nothing(area, login):
    grant = planned(area)
    data = {"action": "approve", "approve-from_status": "planned", "approve-decision_number": "揭工总〔2026〕1号"}
    url = reverse("subsidies:detail", args=[grant.pk])
    assert login(area["unit"]).post(url, data, **IP).status_code == 403
    entry = _last(Action.ACCESS)
    assert (entry.user, entry.ip, entry.result, entry.operation, entry.object_repr) == (
        area["unit"], "10.1.2.3", Result.REFUSED, "POST 403", url)
    assert SubsidyGrant.objects.get().status == GrantStatus.PLANNED


def test_an_object_of_another_union_is_recorded_as_refused(area, login):
    grant = planned(area)
    url = reverse("subsidies:detail", args=[grant.pk])
    assert login(area["other_unit"]).get(url, **IP).status_code == 404
    entry = _last(Action.ACCESS)
    assert (entry.user, entry.result, entry.operation, entry.object_repr) == (
        area["other_unit"], Result.REFUSED, "GET 404", url)


def test_anonymous_requests_are_not_recorded_as_refusals(client, area):
    grant = planned(area)
    client.get(reverse("subsidies:detail", args=[grant.pk]))
    client.get("/no-such-page/")
    assert not AuditEntry.objects.filter(action=Action.ACCESS).exists()


@override_settings(BEHIND_PROXY=True)
def test_behind_the_proxy_the_address_it_appended_is_recorded(area, login):
    grant = planned(area)
    login(area["other_unit"]).get(reverse("subsidies:detail", args=[grant.pk]), REMOTE_ADDR="127.0.0.1",
                                  HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.7")
    assert _last(Action.ACCESS).ip == "203.0.113.7"  # the client wrote 1.1.1.1 itself


def test_without_the_proxy_setting_x_forwarded_for_is_ignored(area, login):
    grant = planned(area)
    login(area["other_unit"]).get(reverse("subsidies:detail", args=[grant.pk]), REMOTE_ADDR="10.9.9.9",
                                  HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert _last(Action.ACCESS).ip == "10.9.9.9"
