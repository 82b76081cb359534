from tests.core.test_query_budget import ARGUMENTS, _client, _routes, world  # noqa
from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest
pytestmark = pytest.mark.django_db

def test_probe(world):
    routes = _routes()
    out = open("/tmp/lists_probe.txt", "w")
    for name, user in [("dashboard","city"),("studios:detail","city"),("reviews:application_detail","city"),("reviews:assignment_detail","expert")]:
        url = routes[name].url(**(ARGUMENTS[name]() if name in ARGUMENTS else {}))
        c = _client(user); c.get(url)
        with CaptureQueriesContext(connection) as cq:
            c.get(url)
        print("###", name, len(cq), file=out)
        for q in cq.captured_queries: print("   ", q["sql"][:400], file=out)
