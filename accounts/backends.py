from axes.backends import AxesStandaloneBackend


class LoginLockoutBackend(AxesStandaloneBackend):
    """django-axes' check, for logins that come with a request.

    Every web login (the login page, the admin's) passes its request. A call
    without one comes from our own code (the shell, a management command, a
    test), which no attacker can repeat; axes would raise instead of checking.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
