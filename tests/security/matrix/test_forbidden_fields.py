"""Fields a role may not set, posted anyway, change nothing (issue 7, point 3).

Every form of the matrix is posted twice by the first actor the rules allow, on the object in a state that
allows it: once as the page sends it, once with extra fields naming what the form does not set — a state, a
score, an amount, a union, a studio, who created it, ids of other objects — and the two databases afterwards must
be the same, row for row. (The clock is stopped and the id sequences reset for both, so that only what the form
did can differ.)
"""
import datetime
from unittest import mock

import pytest
from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from reviews.models import Application, NamingRound
from studios.models import Studio
from subsidies.models import SubsidyGrant
from unions.models import Union

from . import test_assessments, test_naming, test_studios, test_subsidies
from .cells import case_id, snapshot

ACTIONS = {action.name: action for action, _state in
           test_naming.CASES + test_studios.CASES + test_assessments.CASES + test_subsidies.CASES}


def first_allowed(action):
    """The first state the rules allow the action in, and the first actor they give it to there."""
    state = next((state for state in action.states if state.allowed), None)
    overrides = state.expect if state is not None and isinstance(state.expect, dict) else {}
    return state, next(actor for actor in action.actors if actor in action.may and actor not in overrides)


CASES = [(action, first_allowed(action)) for action in ACTIONS.values() if first_allowed(action)[0] is not None]


def forbidden(world, obj, clean):
    """What no form of these sets, with values that would matter: another union's objects, final states."""
    other_unit = Union.objects.filter(kind="unit").exclude(pk=world.unit.pk).order_by("-pk").first()
    values = {
        "status": "approved", "phase": "concluded", "grade": "excellent", "score": "100", "total": "100",
        "amount": "999999.00", "union": other_unit.pk, "unit": other_unit.pk,
        "recommending_union": world.users["county2"].union_id, "studio": Studio.objects.order_by("-pk").first().pk,
        "application": Application.objects.order_by("-pk").first().pk,
        "naming_round": NamingRound.objects.order_by("pk").first().pk, "grant": SubsidyGrant.objects.first().pk,
        "created_by": world.city.pk, "requested_by": world.city.pk, "recorded_by": world.city.pk,
        "approved_by": world.city.pk, "expert": world.users["expert2"].pk, "id": 1, "pk": 1,
        "submitted_at": "2020-01-01 00:00", "decided_at": "2020-01-01 00:00", "kind": "transfer_in",
    }
    prefixes = {""} | {key.split("-", 1)[0] + "-" for key in clean if "-" in key}
    return {prefix + name: value for prefix in prefixes for name, value in values.items()
            if prefix + name not in clean and not any(k.startswith(prefix + name + "-") for k in clean)}


def reset_sequences():
    """Ids as if the run before had not happened (PostgreSQL's sequences ignore a rollback; SQLite's do not)."""
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), apps.get_models()):
            cursor.execute(sql)


def post(world, action, obj, user, stopped, extra):
    """The database after the page's own POST, plus `extra` fields, at the time `stopped`; undone afterwards."""
    with mock.patch("django.utils.timezone.now", return_value=stopped), transaction.atomic():
        reset_sequences()
        data = action.data(world, obj)  # built anew: an upload is read once
        response = world.client(user).post(action.url(obj), {**data, **extra(data)})
        after = snapshot()
        transaction.set_rollback(True)
    return response.status_code, after


@pytest.mark.parametrize("case", CASES, ids=lambda case: case_id((case[0], case[1][0])))
def test_fields_a_form_does_not_set_change_nothing(case, world, db):
    action, (state, actor) = case
    obj = state.find(world)
    user = world.actors(action.unit(obj) if action.unit else world.unit,
                        expert=action.expert(obj) if action.expert else None)[actor]
    stopped = timezone.now().replace(microsecond=0) + datetime.timedelta(seconds=1)
    status, plain = post(world, action, obj, user, stopped, lambda data: {})
    assert status == 302, f"{action.name} by {actor} was not done: {status}"
    status, posted = post(world, action, obj, user, stopped, lambda data: forbidden(world, obj, data))
    assert status == 302
    assert sorted(label for label in plain if plain[label] != posted[label]) == []


def test_a_unit_cannot_set_its_applications_state_union_round_or_score(world, db):
    """The assessor's example, spelled out: the unit's own edit form, with what only others decide added."""
    application = world.applications["draft@application"]
    other_round = world.rounds["audit"]
    data = {**test_naming._edit_data(world, application), "status": "named", "unit": world.users["unit2"].union_id,
            "naming_round": other_round.pk, "score": "100", "total": "100", "created_by": world.city.pk}
    response = world.client(world.owner).post(test_naming.ACTIONS_BY_NAME["application_edit"].url(application), data)
    assert response.status_code == 302
    saved = Application.objects.get(pk=application.pk)
    assert (saved.status, saved.unit_id, saved.naming_round_id, saved.created_by_id) == (
        "draft", application.unit_id, application.naming_round_id, world.owner.pk)
    assert saved.annual_plan == "矩阵：修改后的年度计划" and not saved.assignments.exists()
