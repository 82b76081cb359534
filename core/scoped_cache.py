"""Counts over a whole scope, kept for a few minutes: the dashboard's figures at province and nation scale.

The municipal union's dashboard counts every studio and union of the tree (100,000 studios, 1,000,000
members nationally) and groups them for the statistics: grouped counts that each read a whole table, about
a second together on PostgreSQL. Those figures describe the registry, not a task waiting for the user, and
change a few times a day, so each is kept in the cache (Redis when configured, shared by the web processes)
for DASHBOARD_CACHE_SECONDS per scope: everyone who sees the same part of the tree shares one count. The
counts of what waits for the user (cards with attention) are never cached.
"""
from django.conf import settings
from django.core.cache import cache

from unions.scoping import sees_whole_tree


def scope_key(user):
    """Who sees the same rows: the whole tree, or one role in one union's subtree (unions.scoping)."""
    return "all" if sees_whole_tree(user) else f"{user.role}:{user.union_id}"


def cached_count(user, name, compute, *parts):
    """compute(), or its value for the user's scope from the last DASHBOARD_CACHE_SECONDS (0: never kept)."""
    seconds = settings.DASHBOARD_CACHE_SECONDS
    if not seconds:
        return compute()
    key = ":".join(["dashboard", name, scope_key(user), *map(str, parts)])
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    return value
