"""Response headers that harden every page (issue 7, points 7 and 8).

Django 5.2 has no Content-Security-Policy of its own; the policy is one string in
settings, so this middleware stays small and needs no package.
"""
from django.conf import settings
from django.utils.cache import add_never_cache_headers

# Pages and files that show personal data (个人信息保护法): names with contacts, account numbers,
# leaders' and members' details — every page that shows a 身份证号 or mobile, in full or masked, and every form
# that takes one —, objectors, uploaded evidence. A browser or proxy must not keep a copy, e.g. on a shared
# office computer after logout. The whole admin site counts too (accounts).
# tests/security/test_personal_data.py checks that the pages showing the numbers are here.
NO_STORE_ROUTES = frozenset({
    "password_change",
    "unions:detail",
    "subsidies:account",
    "subsidies:detail",
    "subsidies:receipt",
    "studios:detail",
    "studios:export",
    "studios:change_new",
    "studios:leader_identity",
    "studios:change_evidence",
    "studios:delisting_evidence",
    "reviews:application_detail",
    "reviews:application_edit",
    "reviews:assignment_detail",
    "reviews:attachment_download",
    "reviews:objections",
    "reviews:round_export",
    "assessments:rectification_file",
})
NO_STORE_NAMESPACES = frozenset({"admin"})


class SecurityHeadersMiddleware:
    """Adds the Content-Security-Policy to every response and `Cache-Control: no-store` to the
    pages listed above. The other hardening headers (HSTS, nosniff, Referrer-Policy, frame
    denial) come from Django's SecurityMiddleware and XFrameOptionsMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.CONTENT_SECURITY_POLICY:
            response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        match = request.resolver_match
        if match and (match.view_name in NO_STORE_ROUTES or NO_STORE_NAMESPACES & set(match.namespaces)):
            add_never_cache_headers(response)
        return response
