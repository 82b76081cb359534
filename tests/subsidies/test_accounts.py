"""第十二条: the unit union's own account — kept by its staff or municipal staff, each change logged, the number
masked everywhere except for 市总工会财务."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from core.models import TransitionLog
from subsidies.account_services import bank_account_save
from subsidies.models import BankAccount
from subsidies.permissions import is_auditor, is_finance_staff, mask_account_number

from .conftest import ACCOUNT, prepared

pytestmark = pytest.mark.django_db


def test_the_unit_and_municipal_staff_keep_the_account_and_each_change_is_logged(area):
    account = bank_account_save(area["unit"], area["unit_union"], **{**ACCOUNT, "number": "6222 0212 3456 7891 234"})
    assert account.number == "6222021234567891234"
    bank_account_save(area["city"], area["unit_union"], **{**ACCOUNT, "bank": "中国建设银行揭阳分行"})
    assert BankAccount.objects.get().bank == "中国建设银行揭阳分行"
    log = list(TransitionLog.objects.for_object(account).values_list("label", "comment"))
    assert [label for label, _comment in log] == ["登记单位工会账户", "变更单位工会账户"]
    assert "6222 **** **** 1234" in log[1][1] and "6222021234567891234" not in "".join(c for _l, c in log)


def test_others_cannot_keep_the_account(area):
    for who in ("other_unit", "county", "admin", "auditor", "expert"):
        with pytest.raises(PermissionDenied):
            bank_account_save(area[who], area["unit_union"], **ACCOUNT)
    with pytest.raises(ValidationError, match="只有单位工会登记账户"):
        bank_account_save(area["city"], type(area["unit_union"]).objects.get_parent(area["unit_union"]), **ACCOUNT)
    assert not BankAccount.objects.exists()


def test_account_fields_are_checked(area):
    with pytest.raises(ValidationError) as refused:
        bank_account_save(area["unit"], area["unit_union"], account_name=" ", bank="", number="6222-abc")
    assert set(refused.value.message_dict) == {"account_name", "bank", "number"}


def test_who_is_finance_staff_and_who_audits(area):
    assert is_finance_staff(area["finance"]) and not is_finance_staff(area["city"])
    assert not is_finance_staff(area["admin"])  # a superuser holds every permission, but does not pay
    assert is_auditor(area["auditor"]) and not is_auditor(area["city"])


def test_the_number_is_masked_except_for_finance_staff(area):
    number = ACCOUNT["number"]
    assert mask_account_number(number) == "6222 **** **** 1234"
    for who in ("unit", "county", "city", "admin", "auditor"):
        assert mask_account_number(number, area[who]) == "6222 **** **** 1234"
    assert mask_account_number(number, area["finance"]) == "6222 0212 3456 7891 234"


@pytest.mark.parametrize("who, shown", [("finance", True), ("city", False), ("unit", False), ("county", False),
                                        ("auditor", False), ("admin", False)])
def test_pages_show_the_full_number_to_finance_staff_only(area, login, who, shown):
    grant = prepared(area).grant
    client = login(area[who])
    for url in (reverse("subsidies:detail", args=[grant.pk]),
                reverse("subsidies:account", args=[area["unit_union"].pk])):
        html = client.get(url).content.decode()
        assert ("6222 0212 3456 7891 234" in html) == shown
        assert shown or "6222 **** **** 1234" in html
        assert ACCOUNT["number"] not in html  # never in one piece, not even in the history (masked there for all)


def test_the_account_page_saves_through_the_service(area, login):
    url = reverse("subsidies:account", args=[area["unit_union"].pk])
    response = login(area["unit"]).post(url, ACCOUNT)
    assert response.status_code == 302 and BankAccount.objects.get().number == ACCOUNT["number"]
    response = login(area["unit"]).post(url, {**ACCOUNT, "number": "12"})
    assert "银行账号应为 8 至 30 位数字" in response.content.decode()
    assert login(area["county"]).post(url, ACCOUNT).status_code == 403
    assert login(area["other_unit"]).get(url).status_code == 404
    assert login(area["county"]).get(url).status_code == 200
