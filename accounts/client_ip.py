from django.conf import settings


def client_ip(request):
    """The address a request came from, for django-axes and the audit trail.

    Behind the TLS-terminating proxy (BEHIND_PROXY) every request comes from the
    proxy, so the client is the last address the proxy appended to
    X-Forwarded-For; earlier entries are whatever the client sent and are not
    trusted. Without a proxy the header is ignored altogether.
    """
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.split(",")[-1].strip()
        if last:
            return last
    return request.META.get("REMOTE_ADDR")
