"""Two counties with newly named studios, the people who act on subsidies, and grants at each step."""
import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from subsidies import account_services, grant_services
from subsidies.models import GrantStatus
from subsidies.permissions import AUDIT_GROUP, FINANCE_GROUP, duty_group
from tests import factories
from unions.models import Role

TODAY = timezone.localdate()
YEAR = TODAY.year
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ACCOUNT = {"account_name": "揭阳市金叶机械制造有限公司工会委员会", "bank": "中国工商银行揭阳分行",
           "number": "6222021234567891234"}


def receipt(name="发票.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def area(root, published_rules):
    county = factories.county_union("榕城区总工会")
    unit = factories.unit_union(county, "揭阳市金叶机械制造有限公司工会")
    other_county = factories.county_union("普宁市总工会")
    other_unit = factories.unit_union(other_county, "普宁市锦程纺织有限公司工会")
    finance = factories.user_with_role(Role.MUNICIPAL_STAFF, full_name="陈会计")
    finance.groups.add(duty_group(FINANCE_GROUP))
    auditor = factories.user_with_role(Role.EXPERT, full_name="审计员")  # an outside auditor: no role of its own
    auditor.groups.add(duty_group(AUDIT_GROUP))
    return {
        "studio": factories.StudioFactory(unit=unit, named_year=YEAR - 1),
        "new_studio": factories.StudioFactory(unit=unit, named_year=YEAR),
        "old_studio": factories.StudioFactory(unit=unit, named_year=YEAR - 2),
        "other_studio": factories.StudioFactory(unit=other_unit, named_year=YEAR - 1),
        "unit_union": unit, "other_unit_union": other_unit,
        "unit": factories.user_with_role(Role.UNIT_STAFF, unit),
        "other_unit": factories.user_with_role(Role.UNIT_STAFF, other_unit),
        "county": factories.user_with_role(Role.RECOMMENDING_STAFF, county),
        "other_county": factories.user_with_role(Role.RECOMMENDING_STAFF, other_county),
        "city": factories.user_with_role(Role.MUNICIPAL_STAFF, full_name="张华"),
        "city2": factories.user_with_role(Role.MUNICIPAL_STAFF, full_name="李明"),
        "finance": finance, "auditor": auditor,
        "admin": factories.user_with_role(Role.ADMIN, is_superuser=True),
        "expert": factories.user_with_role(Role.EXPERT),
        "rules": published_rules,
    }


def planned(area, studio=None, amount="25000.00"):
    return grant_services.grant_plan(area["city"], studio or area["studio"], amount=Decimal(amount))


def approved(area, studio=None, amount="25000.00"):
    grant = planned(area, studio, amount)
    return grant_services.grant_approve(area["city"], grant, from_status=GrantStatus.PLANNED,
                                        decision_number=f"揭工总〔{YEAR}〕30号")


def with_account(area, union=None):
    return account_services.bank_account_save(area["city"], union or area["unit_union"], **ACCOUNT)


def prepared(area, studio=None, amount="25000.00"):
    grant = approved(area, studio, amount)
    with_account(area, grant.studio.unit)
    return grant_services.transfer_prepare(area["city"], grant, from_status=GrantStatus.APPROVED,
                                           transferred_on=TODAY, voucher_number="记-2026-0815")


def transferred(area, studio=None, amount="25000.00"):
    transfer = prepared(area, studio, amount)
    grant_services.transfer_approve(area["city2"], transfer, from_status="prepared")
    return type(transfer.grant).objects.get(pk=transfer.grant_id)


def days_ago(n):
    return TODAY - datetime.timedelta(days=n)
