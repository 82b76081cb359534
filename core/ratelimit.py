"""Searches and exports rate-limited per user (issue 7, point 10), in one place for every view.

A search is any GET with a non-empty `q`; an export is any view whose URL name is `export` or ends in `_export`
(every Excel download is named so). Each kind has its own limit in `settings.RATE_LIMITS`: at most N requests in a
window of S seconds, counted in Django's cache (Redis in production, so every process shares the count). A user is
counted by account; an anonymous visitor (the public registry's search) by address. With the cache (Redis) down
the limit is not applied and a warning is logged: searching must keep working while Redis is away (point 11).
"""
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from redis.exceptions import RedisError

from accounts.client_ip import client_ip

logger = logging.getLogger(__name__)


def limited_kind(request):
    """Which limit, if any, this request counts against."""
    match = request.resolver_match
    name = match.url_name if match else None
    if name and (name == "export" or name.endswith("_export")):
        return "export"
    if request.method == "GET" and request.GET.get("q", "").strip():
        return "search"
    return None


class RateLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        kind = limited_kind(request)
        if kind is None or kind not in settings.RATE_LIMITS:
            return None
        limit, seconds = settings.RATE_LIMITS[kind]
        who = f"user:{request.user.pk}" if request.user.is_authenticated else f"ip:{client_ip(request)}"
        window = int(time.time() // seconds)
        try:
            count = _count(f"ratelimit:{kind}:{who}:{window}", seconds)
        except RedisError as error:
            logger.warning("rate limit not applied, the cache is unavailable: %s", error)
            return None
        if count <= limit:
            return None
        retry_after = seconds - int(time.time()) % seconds
        response = render(request, "429.html", {"kind": kind, "retry_after": retry_after}, status=429)
        response["Retry-After"] = str(retry_after)
        return response


def _count(key, seconds):
    """This request's number in its window."""
    cache.add(key, 0, timeout=seconds)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr: this request starts the window
        cache.add(key, 1, timeout=seconds)
        return 1
