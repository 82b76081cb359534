"""The load test (`make loadtest`, docs/load-test.md): a world of synthetic accounts, browser-like users, and a
check that the database holds exactly what the users did.

Only `locustfile.py` imports locust (and with it gevent, which monkey-patches); every other module here is
plain Python or Django, so the test suite can import them.
"""
