"""Every application action × every role × every state and phase it can meet before the expert review.

The expected cell comes from the rules (第六条), written out here independently of the services:
exactly the allowed cells change the application; every other cell is refused and writes nothing — for
who acts (PermissionDenied, 403) before the state (Conflict, 409). tests/security/matrix does the same
through HTTP.
"""
import pytest
from django.core.exceptions import PermissionDenied

from core.conflicts import Conflict
from core.models import TransitionLog
from reviews import application_services as apps
from reviews.models import Application, ApplicationStatus as S, RoundPhase as P
from tests import factories
from tests.reviews.conftest import advance_to, complete_draft
from unions.models import Role

# (state, phase) pairs an application really meets before the expert review
SETUPS = [
    (S.DRAFT, P.APPLICATION), (S.SUBMITTED, P.APPLICATION), (S.SUBMITTED, P.PRELIMINARY),
    (S.RETURNED, P.PRELIMINARY), (S.RECOMMENDED, P.PRELIMINARY), (S.RECOMMENDED, P.AUDIT), (S.ACCEPTED, P.AUDIT),
    (S.RETURNED, P.AUDIT), (S.REJECTED, P.AUDIT), (S.WITHDRAWN, P.PRELIMINARY), (S.DRAFT, P.PRELIMINARY),
]
ACTORS = ["owner", "other_unit", "county", "other_county", "city", "expert", "admin"]
ACTIONS = {
    "submit": apps.application_submit, "withdraw": apps.application_withdraw,
    "recommend": apps.application_recommend, "return": apps.application_return, "reject": apps.application_reject,
    "accept": apps.application_accept, "audit_return": apps.application_audit_return,
    "audit_reject": apps.application_audit_reject,
}
WITHDRAWABLE = {S.DRAFT, S.SUBMITTED, S.RETURNED, S.RECOMMENDED, S.ACCEPTED}
# 第六条: 由所在单位工会提出申请, 县级总工会或市直基层工会初审推荐, 市总工会组织审核.
ROLE = {"submit": "owner", "withdraw": "owner", "recommend": "county", "return": "county", "reject": "county",
        "accept": "city", "audit_return": "city", "audit_reject": "city"}


def allowed(action, actor, state, phase):
    """第六条 as a table: who may do what, in which state and phase."""
    if action == "submit":
        return actor == "owner" and ((state == S.DRAFT and phase == P.APPLICATION)
                                     or (state == S.RETURNED and phase in {P.APPLICATION, P.PRELIMINARY, P.AUDIT}))
    if action == "withdraw":
        return actor == "owner" and state in WITHDRAWABLE
    if action in {"recommend", "return", "reject"}:  # 初审 by the unit's own recommending union
        return actor == "county" and state == S.SUBMITTED and phase in {P.PRELIMINARY, P.AUDIT}
    # 审核 by the municipal union, in its phase
    return actor == "city" and state == S.RECOMMENDED and phase == P.AUDIT


@pytest.fixture
def world(city, county, unit, unit_user, county_user, open_round):
    other_county = factories.county_union("普宁市总工会")
    return {
        "round": open_round, "city_user": city,
        "owner": unit_user, "other_unit": factories.user_with_role(Role.UNIT_STAFF, factories.unit_union(county)),
        "county": county_user, "other_county": factories.user_with_role(Role.RECOMMENDING_STAFF, other_county),
        "city": city, "expert": factories.user_with_role(Role.EXPERT), "admin": factories.user_with_role(Role.ADMIN),
    }


def bring(world, state, phase):
    """An application in `state` with its round in `phase`, reached through the services."""
    city, unit_user, county_user = world["city"], world["owner"], world["county"]
    application = complete_draft(unit_user, world["round"])

    def go(target_phase):
        return advance_to(city, world["round"], target_phase)

    if state == S.DRAFT:
        go(phase)
        return application
    if state == S.WITHDRAWN:
        apps.application_withdraw(unit_user, application, from_status=S.DRAFT, comment="暂不申报")
        go(phase)
        return application
    apps.application_submit(unit_user, application, from_status=S.DRAFT)
    if phase == P.APPLICATION:
        return application
    go(P.PRELIMINARY)
    if state == S.SUBMITTED:
        return application
    if state == S.RETURNED and phase == P.PRELIMINARY:
        apps.application_return(county_user, application, from_status=S.SUBMITTED, comment="补充材料")
        return application
    apps.application_recommend(county_user, application, from_status=S.SUBMITTED)
    go(phase)
    if state == S.RECOMMENDED:
        return application
    if state == S.ACCEPTED:
        apps.application_accept(city, application, from_status=S.RECOMMENDED)
    elif state == S.RETURNED:
        apps.application_audit_return(city, application, from_status=S.RECOMMENDED, comment="补充材料")
    elif state == S.REJECTED:
        apps.application_audit_reject(city, application, from_status=S.RECOMMENDED, comment="不符合条件")
    return application


@pytest.mark.parametrize("state,phase", SETUPS, ids=[f"{s}@{p}" for s, p in SETUPS])
@pytest.mark.parametrize("action", list(ACTIONS))
def test_only_the_allowed_cells_change_the_application(world, state, phase, action):
    application = Application.objects.get(pk=bring(world, state, phase).pk)  # services return their own copies
    assert (application.status, application.naming_round.phase) == (state, phase)
    # the refused actors first, then the one the rules allow (if any)
    order = sorted(ACTORS, key=lambda actor: allowed(action, actor, state, phase))
    for actor in order:
        logs = TransitionLog.objects.count()
        call = lambda: ACTIONS[action](world[actor], application, from_status=state, comment="意见")  # noqa: E731
        if allowed(action, actor, state, phase):
            call()
            assert Application.objects.get(pk=application.pk).status != state, (actor, action)
            assert TransitionLog.objects.count() == logs + 1
        else:
            with pytest.raises(PermissionDenied if actor != ROLE[action] else Conflict):
                call()
            assert Application.objects.get(pk=application.pk).status == state, (actor, action)
            assert TransitionLog.objects.count() == logs, (actor, action)
