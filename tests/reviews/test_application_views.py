import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reviews.models import Application, ApplicationStatus, RoundPhase
from tests import factories
from tests.reviews.conftest import COMPLETE, advance_to, complete_draft
from unions.models import Role


def _form_data(**changes):
    data = {k: v for k, v in {**COMPLETE, **changes}.items() if k != "systems" and v is not False}
    data["systems"] = COMPLETE["systems"]
    data.update({
        "members-TOTAL_FORMS": 5, "members-INITIAL_FORMS": 0,
        "members-0-name": "黄志明", "members-1-name": "吴晓东", "members-2-name": "林海",
        "results-TOTAL_FORMS": 4, "results-INITIAL_FORMS": 0,  # two rows left empty, as the page offers them
        "results-2-kind": "", "results-3-kind": "", "results-2-level": "",
        "results-0-year": 2024, "results-0-kind": "patent", "results-0-title": "一种夹具",
        "results-0-patent_number": "ZL1", "results-0-level": "national", "results-0-issuing_body": "国家知识产权局",
        "results-1-year": 2025, "results-1-kind": "recognition", "results-1-title": "工艺改进",
        "results-1-level": "municipal", "results-1-issuing_body": "揭阳市科技局",
    })
    return data


def test_unit_staff_apply_fill_in_and_submit_in_the_browser_forms(unit_user, open_round, login):
    client = login(unit_user)
    round_page = client.get(reverse("reviews:round_detail", args=[open_round.pk])).content.decode()
    assert "新建申报" in round_page
    response = client.post(reverse("reviews:application_new", args=[open_round.pk]))
    application = Application.objects.get()
    assert response.url == reverse("reviews:application_edit", args=[application.pk])
    assert "第五条(一) 领衔人与工作团队" in client.get(response.url).content.decode()
    response = client.post(response.url, _form_data())
    assert response.status_code == 302, response.content.decode()[:3000]
    application.refresh_from_db()
    assert application.leader_name == "陈伟" and application.members.count() == 3 and application.results.count() == 2
    detail = client.get(reverse("reviews:application_detail", args=[application.pk])).content.decode()
    assert "没有不符合的条件" in detail and "提交申报" in detail
    client.post(reverse("reviews:application_action", args=[application.pk, "submit"]),
                {"from_status": ApplicationStatus.DRAFT})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_a_failing_condition_is_shown_and_blocks_submit(unit_user, open_round, login):
    application = complete_draft(unit_user, open_round, annual_plan="")
    client = login(unit_user)
    detail = client.get(reverse("reviews:application_detail", args=[application.pk])).content.decode()
    assert "有不符合的条件" in detail and "未填写年度工作方案" in detail
    response = client.post(reverse("reviews:application_action", args=[application.pk, "submit"]),
                           {"from_status": ApplicationStatus.DRAFT}, follow=True)
    assert "第五条(三)" in response.content.decode()
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.DRAFT


def test_bad_values_in_the_form_are_named_and_nothing_is_saved(unit_user, open_round, login):
    application = complete_draft(unit_user, open_round)
    response = login(unit_user).post(reverse("reviews:application_edit", args=[application.pk]),
                                     _form_data(leader_honour_year="abc", venue_area="-5", founded_on="2021-13-01"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "有的内容不符合要求" in html
    assert Application.objects.get(pk=application.pk).venue_area == 120


def test_county_reviews_in_its_phase(city, unit_user, county_user, open_round, login):
    application = complete_draft(unit_user, open_round)
    login(unit_user).post(reverse("reviews:application_action", args=[application.pk, "submit"]),
                          {"from_status": ApplicationStatus.DRAFT})
    advance_to(city, open_round, RoundPhase.PRELIMINARY)
    client = login(county_user)
    detail = client.get(reverse("reviews:application_detail", args=[application.pk])).content.decode()
    assert "初审推荐" in detail and "退回修改" in detail and "不予推荐" in detail
    response = client.post(reverse("reviews:application_action", args=[application.pk, "return"]),
                           {"from_status": ApplicationStatus.SUBMITTED, "comment": ""}, follow=True)
    assert "请填写意见" in response.content.decode()
    client.post(reverse("reviews:application_action", args=[application.pk, "recommend"]),
                {"from_status": ApplicationStatus.SUBMITTED, "comment": "同意"})
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.RECOMMENDED


def test_another_unions_application_is_404_everywhere(unit_user, open_round, login):
    application = complete_draft(unit_user, open_round)
    for role in (Role.UNIT_STAFF, Role.RECOMMENDING_STAFF):
        client = login(factories.user_with_role(role))
        assert client.get(reverse("reviews:application_detail", args=[application.pk])).status_code == 404
        assert client.get(reverse("reviews:application_edit", args=[application.pk])).status_code == 404
        assert client.post(reverse("reviews:application_action", args=[application.pk, "withdraw"]),
                           {"from_status": ApplicationStatus.DRAFT, "comment": "x"}).status_code == 404
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.DRAFT


def test_unknown_action_changes_nothing(unit_user, open_round, login):
    application = complete_draft(unit_user, open_round)
    response = login(unit_user).post(reverse("reviews:application_action", args=[application.pk, "name"]),
                                     {"from_status": ApplicationStatus.DRAFT}, follow=True)
    assert "提交的内容不完整" in response.content.decode()
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.DRAFT


def test_application_list_queries_do_not_grow(city, county, open_round, login):
    client = login(city)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("reviews:application_list"), {"status": "draft"}).status_code == 200
        return len(ctx)

    complete_draft(factories.user_with_role(Role.UNIT_STAFF, factories.unit_union(county)), open_round)
    one = count()
    for _ in range(2):
        complete_draft(factories.user_with_role(Role.UNIT_STAFF, factories.unit_union(county)), open_round)
    assert count() == one
    assert client.get(reverse("reviews:application_list")).context["page"].count == 3


def test_application_detail_queries_do_not_grow_with_members_and_results(unit_user, open_round, login):
    from tests.reviews.conftest import MEMBERS, RESULTS
    from reviews import application_services as apps

    application = complete_draft(unit_user, open_round)
    client = login(unit_user)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("reviews:application_detail", args=[application.pk])).status_code == 200
        return len(ctx)

    one = count()
    apps.application_save(unit_user, application, COMPLETE, MEMBERS * 3, RESULTS * 3)
    assert count() == one
