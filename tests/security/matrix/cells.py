"""The machinery of the state × action × role matrix (issue 7, point 3): what a cell is, what it expects, and how
it is tried through HTTP.

A cell is one POST of an action, by one actor, on an object in one state. What it should answer is written in
the test modules from the rules, independently of the services:

- the actor cannot see the object (unions/scoping.py, issue 7 point 2): 404;
- the actor sees it but the rules give the action to another role: 403;
- the actor may, but not in this state (out of order, repeated, already handled): 409;
- otherwise the action is done: a redirect, the object changed as the action says, and (for a transition) one
  or more rows in the transition log.

A refused cell changes nothing in the database but one new audit entry recording the refusal. Each cell runs in a
savepoint rolled back afterwards, so the cells of one state all start from the same database.
"""
import hashlib
import re
from dataclasses import dataclass, field
from typing import Callable

from django.apps import apps
from django.db import connection, models, transaction
from django.db.models import Max
from django.urls import reverse

from audit.models import AuditEntry, Result
from core.models import OutboxMessage, TransitionLog
from unions.scoping import scoped

# Every actor a cell can have, relative to the object's unit union (World.actors).
ACTORS = ("owner", "other_unit", "county", "other_county", "city", "expert", "finance", "auditor", "admin")
REFUSAL = {403: Result.REFUSED, 404: Result.REFUSED, 409: Result.CONFLICT}
DONE = "done"

# Tables a refused request may write: its audit entry (and the chain's head), and the session it touches.
UNWATCHED = {"audit_auditentry", "audit_auditchain", "django_session"}
WRITE = re.compile(r'^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+"?(\w+)"?',
                   re.IGNORECASE)


def sees_in_scope(user, obj):
    """Point 2's rule: the object is in the user's part of the union tree (unions/scoping.py)."""
    return scoped(user, type(obj)._base_manager.filter(pk=obj.pk)).exists()


@dataclass(frozen=True)
class State:
    """A state the object really meets, how to reach it, and whether the rules allow the action in it."""
    name: str
    find: Callable  # world -> the object in this state (found in the world, or brought there by services)
    allowed: bool
    # actor -> outcome, where an actor meets another object's state (a county acts on its own area); or a function
    # (world, obj) -> such a dict, where the rule is a predicate over the data
    expect: dict | Callable = field(default_factory=dict)


@dataclass(frozen=True)
class Action:
    name: str
    route: str  # the URL name posted to
    args: Callable  # obj -> the route's arguments
    data: Callable  # (world, obj) -> the POST data: valid, so a refusal is for who or when, never for what
    may: frozenset  # the actors the rules give the action to
    states: tuple
    probe: Callable  # obj -> what an allowed cell changes (read again from the database)
    logs: bool = True  # an allowed cell writes the transition log
    sees: Callable = sees_in_scope
    unit: Callable = None  # obj -> the unit union the actors are taken relative to (default: the world's unit)
    actors: tuple = ACTORS
    expert: Callable = None  # obj -> the expert who plays "expert" (an assigned one), default the world's
    query: Callable = None  # obj -> a query string the page takes (?studio=…)

    def url(self, obj):
        return reverse(self.route, args=self.args(obj)) + (f"?{self.query(obj)}" if self.query else "")

    def cases(self):
        return [(self, state) for state in self.states]


def case_id(case):
    action, state = case
    return f"{action.name}@{state.name}"


def snapshot():
    """Every row of every model but the audit trail and sessions, hashed per model. File names and the outbox's
    idempotency keys are left out: both are random on each write, which is not a change of the data."""
    digest = {}
    for model in apps.get_models():
        if model._meta.app_label in ("audit", "sessions"):
            continue
        names = [f.attname for f in model._meta.concrete_fields
                 if not isinstance(f, models.FileField) and (model, f.name) != (OutboxMessage, "key")]
        rows = model._base_manager.order_by("pk").values_list(*names)
        digest[model._meta.label] = hashlib.sha256(repr(list(rows)).encode()).hexdigest()
    return digest


class WriteWatch:
    """The tables a request writes to, seen in the SQL the connection runs."""

    def __init__(self):
        self.tables = set()

    def __call__(self, execute, sql, params, many, context):
        match = WRITE.match(sql)
        if match:
            self.tables.add(match.group(1).lower())
        return execute(sql, params, many, context)

    def __enter__(self):
        self._wrapper = connection.execute_wrapper(self)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc):
        return self._wrapper.__exit__(*exc)

    @property
    def watched(self):
        return self.tables - UNWATCHED


def expected(action, state, actor, user, obj, overrides):
    """What the rules say this cell answers."""
    if actor in overrides:
        return overrides[actor]
    if not action.sees(user, obj):
        return 404
    if actor not in action.may:
        return 403
    return DONE if state.allowed else 409


def run(world, action, state):
    """Every actor's cell of `action` on the object in `state`; returns the failures, described."""
    obj = state.find(world)
    assert obj is not None, f"{action.name}: the world has no object in the state {state.name}"
    actors = world.actors(action.unit(obj) if action.unit else world.unit,
                          expert=action.expert(obj) if action.expert else None)
    probe, before = action.probe(obj), None
    overrides = state.expect(world, obj) if callable(state.expect) else state.expect
    failures = []
    for actor in action.actors:
        user = actors[actor]
        want = expected(action, state, actor, user, obj, overrides)
        with transaction.atomic():
            logs, last = TransitionLog.objects.count(), AuditEntry.objects.aggregate(m=Max("seq"))["m"] or 0
            with WriteWatch() as watch:
                response = world.client(user).post(action.url(obj), action.data(world, obj))
            status = response.status_code
            where = f"{action.name}@{state.name} {actor} ({user.username})"
            if want == DONE:
                if status != 302 or action.probe(obj) == probe:
                    failures.append(f"{where}: allowed, but answered {status} and {action.probe(obj)!r} is "
                                    f"still {probe!r}{_messages(response)}")
                elif action.logs and TransitionLog.objects.count() == logs:
                    failures.append(f"{where}: allowed, changed, but wrote no transition log")
            else:
                if status != want:
                    failures.append(f"{where}: {status}, expected {want}{_messages(response)}")
                new = list(AuditEntry.objects.filter(seq__gt=last).values_list("result", "operation"))
                if new != [(REFUSAL.get(want, Result.REFUSED), f"POST {want}")]:
                    failures.append(f"{where}: audit entries {new}, expected one refusal POST {want}")
            # No write to the data at all proves it unchanged; a write (undone, or not) is checked against the
            # database as it was, which is what the rollback of this cell brings back.
            after = snapshot() if want != DONE and watch.watched else None
            transaction.set_rollback(True)
        if after is not None:
            before = before or snapshot()
            changed = sorted(label for label, digest in after.items() if before[label] != digest)
            if changed:
                failures.append(f"{where}: refused with {status} but changed {changed}")
    return failures


def _messages(response):
    """The page's messages or its 409 reason, to say why a cell went another way."""
    text = response.content.decode(errors="replace") if response.status_code in (200, 403, 404, 409) else ""
    found = re.findall(r'<li class="message[^"]*"[^>]*>([^<]+)</li>|<ul class="errorlist[^>]*>(.+?)</ul>'
                       r'|<div class="empty">\s*<h1>[^<]*</h1>\s*<p>([^<]+)</p>', text)
    shown = [next(part for part in parts if part) for parts in found]
    if response.status_code == 302:
        return f" → {response['Location']}"
    return f" — {'; '.join(shown)[:300]}" if shown else ""
