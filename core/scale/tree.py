"""The synthetic union tree and its accounts: about 200 recommending unions (county-level and industry unions)
under the root, each with its unit unions, written with their materialized paths so that treebeard's
`find_problems()` stays clean.

Everything is a function of an index: the studio `s` belongs to unit `unit_of(s)`, the unit `u` stands under
recommending union `u % RECOMMENDING`. A larger N only adds indexes, so a rerun adds the difference.
"""
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.utils import timezone

from subsidies.permissions import FINANCE_GROUP
from unions.models import Role, Union, UnionKind, User

from . import copy, names

RECOMMENDING = 200
EXPERTS = 30
# 5 studios to every 4 unit unions: 80,000 units for 100,000 studios, some with two studios.
STUDIOS_PER_UNITS = (5, 4)
USERNAME = "scale_"
# The accounts a benchmark logs in with, one per role (README and docs/performance.md list them).
BENCHMARK_ACCOUNTS = {
    "scale_unit_00000": Role.UNIT_STAFF, "scale_county_000": Role.RECOMMENDING_STAFF,
    "scale_expert_00": Role.EXPERT, "scale_city": Role.MUNICIPAL_STAFF, "scale_finance": Role.MUNICIPAL_STAFF,
}


def unit_of(studio):
    return studio * STUDIOS_PER_UNITS[1] // STUDIOS_PER_UNITS[0]


def units_for(studios):
    return unit_of(studios - 1) + 1 if studios else 0


def unit_username(unit):
    return f"scale_unit_{unit:05d}"


def county_username(recommending):
    return f"scale_county_{recommending:03d}"


def expert_username(expert):
    return f"scale_expert_{expert:02d}"


def expert_name(expert):
    return names.person(expert + 101, names.SURNAMES)


def _kind(index):
    return UnionKind.DIRECT if index % 3 == 2 else UnionKind.COUNTY  # industry unions rank as direct ones


def ensure_tree(studios):
    """Adds the unions the first `studios` synthetic studios need; returns (recommending, units, created): the
    ids by index, and how many unions were added."""
    root = Union.objects.get_root_nodes().filter(kind=UnionKind.MUNICIPAL).first()
    unit_count = units_for(studios)
    recommending_count = min(RECOMMENDING, unit_count)
    existing = dict(Union.objects.filter(name__startswith=names.SYNTHETIC).values_list("name", "pk"))
    now = timezone.now()
    created = 0

    new = [r for r in range(recommending_count) if names.recommending_union(r) not in existing]
    if new:
        last = Union.objects.filter(depth=2).order_by("-path").values_list("path", flat=True).first()
        step = Union._str2int(last[-Union.steplen:]) if last else 0
        ids = copy.next_ids(Union, len(new))
        rows = []
        for pk, r in zip(ids, new):
            step += 1
            existing[names.recommending_union(r)] = pk
            rows.append((pk, names.recommending_union(r), _kind(r), pk, "", "", "", now, now,
                         Union._get_path(root.path, 2, step), 2, 0))
        created += copy.write(Union, ["id", "name", "kind", "recommending_union", "contact_person",
                                      "contact_phone", "address", "created_at", "updated_at", "path", "depth",
                                      "numchild"], rows)
        Union.objects.filter(pk=root.pk).update(numchild=Union.objects.filter(depth=2).count())
    recommending = [existing[names.recommending_union(r)] for r in range(recommending_count)]
    paths = dict(Union.objects.filter(pk__in=recommending).values_list("pk", "path"))

    new = [u for u in range(unit_count) if names.unit_union(u) not in existing]
    if new:
        ids = copy.next_ids(Union, len(new))
        rows = []
        for pk, u in zip(ids, new):
            parent = recommending[u % RECOMMENDING]
            existing[names.unit_union(u)] = pk
            # the u // RECOMMENDING-th child of its parent: only synthetic units stand under a synthetic parent
            rows.append((pk, names.unit_union(u), UnionKind.UNIT, parent, "", "", "", now, now,
                         Union._get_path(paths[parent], 3, u // RECOMMENDING + 1), 3, 0))
        created += copy.write(Union, ["id", "name", "kind", "recommending_union", "contact_person",
                                      "contact_phone", "address", "created_at", "updated_at", "path", "depth",
                                      "numchild"], rows)
        # Only synthetic units stand under a synthetic parent: the r-th has one for every index u ≡ r.
        by_count = {}
        for r, parent in enumerate(recommending):
            by_count.setdefault(len(range(r, unit_count, RECOMMENDING)), []).append(parent)
        for count, parents in by_count.items():
            Union.objects.filter(pk__in=parents).update(numchild=count)
    units = [existing[names.unit_union(u)] for u in range(unit_count)]
    return root, recommending, units, created


def ensure_accounts(root, recommending, units, password):
    """One account per unit and recommending union, the experts, city staff and finance; returns the ids by
    username and how many were added. All share one password hash (hashing is slow on purpose)."""
    existing = dict(User.objects.filter(username__startswith=USERNAME).values_list("username", "pk"))
    wanted = [(unit_username(u), names.person(u, names.SURNAMES), Role.UNIT_STAFF, pk, "工会干事")
              for u, pk in enumerate(units)]
    wanted += [(county_username(r), names.person(r + 7, names.SURNAMES), Role.RECOMMENDING_STAFF, pk, "经济技术部")
               for r, pk in enumerate(recommending)]
    wanted += [(expert_username(e), expert_name(e), Role.EXPERT, root.pk, "高级工程师")
               for e in range(EXPERTS)]
    wanted += [("scale_city", "市总合成经办人", Role.MUNICIPAL_STAFF, root.pk, "经济技术部"),
               ("scale_finance", "市总合成财务", Role.MUNICIPAL_STAFF, root.pk, "财务部")]
    new = [w for w in wanted if w[0] not in existing]
    if new:
        hashed, now = make_password(password), timezone.now()
        ids = copy.next_ids(User, len(new))
        copy.write(User, ["id", "password", "is_superuser", "username", "first_name", "last_name", "email",
                          "is_staff", "is_active", "date_joined", "full_name", "union", "role", "phone", "title"],
                   ((pk, hashed, False, username, "", "", f"{username}@example.cn", False, True, now, full_name,
                     union, role, "", title)
                    for pk, (username, full_name, role, union, title) in zip(ids, new)))
        existing.update((w[0], pk) for pk, w in zip(ids, new))
        if "scale_finance" in {w[0] for w in new}:
            group, _created = Group.objects.get_or_create(name=FINANCE_GROUP)
            group.user_set.add(existing["scale_finance"])
    return existing, len(new)
