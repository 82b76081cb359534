"""`seed_demo --scale N`: a national-scale synthetic world in bulk, beside the demo data.

N studios (named by the synthetic rounds of past years, in every status) with about ten members each, over about
200 recommending unions and 0.8 N unit unions; 2 N applications in every state with their reviews, scores and
history; and an audit entry per step (over 1,000,000 for N = 100,000), chained like every other.

Every synthetic row is told apart from the demo's: unions' names start with 合成, accounts' usernames with
scale_, rounds carry NOTES, and the rest hangs on those. Everything is a function of the studio's index, so a
run with the same N adds nothing and a larger N adds only the difference (`ensure_scale`).
"""
import contextlib

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from audit.models import AuditEntry
from core.models import TransitionLog
from reviews.models import (
    Application, ApplicationAttachment, ApplicationUserObjectPermission, Assignment, Objection, ScoreItem,
)
from studios.models import Leader, Member, Studio
from unions.models import Union, User

from . import applications, audit, copy, names, studios, tree

# The tables of millions of rows, whose keys and indexes are built once after the load (copy.py).
BULK = [Member, Application, ApplicationAttachment, Assignment, ScoreItem, ApplicationUserObjectPermission,
        TransitionLog, AuditEntry]
LOADED = [Union, User, Leader, Studio, Member, Application, ApplicationAttachment, Assignment, ScoreItem,
          ApplicationUserObjectPermission, Objection, TransitionLog, AuditEntry]


def synthetic_studios():
    return Studio.objects.filter(unit__name__startswith=names.SYNTHETIC)


def ensure_scale(total, password):
    """Makes sure the first `total` synthetic studios and all that belongs to them exist; returns the rows
    written, by table (all zero when they already did)."""
    with transaction.atomic():
        first = synthetic_studios().count()
        root, recommending, units, unions = tree.ensure_tree(max(total, first))
        users, accounts = tree.ensure_accounts(root, recommending, units, password)
        written = {"工会": unions, "账号": accounts}
        if first >= total:
            return written
        # Rebuilding keys and indexes pays when the load at least doubles the synthetic rows; a small growth is
        # written with them in place, so that it does not re-sort millions of existing rows.
        rebuild = total - first >= first
        with copy.constraints_built_after_the_load(BULK) if rebuild else contextlib.nullcontext():
            written.update(_load(first, total, units, recommending, users))
    copy.analyze(LOADED)
    return written


def _load(first, total, units, recommending, users):
    mobiles = studios.mobile_pool()
    rounds = applications.ensure_rounds(User.objects.get(pk=users["scale_city"]))
    made, written = studios.ensure_studios(
        first, total, units, applications.named_year,
        lambda s: applications.decision_number(applications.named_year(s)), applications.named_at, mobiles)
    context = applications.Context(rounds, units, recommending, users, mobiles)
    transitions, counts = applications.ensure_applications(context, first, total, made)
    written.update(counts)
    written.update(audit.write_history(transitions, ContentType.objects.get_for_model(Application).pk))
    return written
