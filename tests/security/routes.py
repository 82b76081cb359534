"""Every URL pattern of the project, with a sample address, for the tests that must cover them all."""
import re
from dataclasses import dataclass

from django.apps import apps
from django.urls import URLResolver, get_resolver

SAMPLE = {"int": "1", "slug": "x", "str": "1", "path": "1"}


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name", or the route itself for the admin's unnamed patterns
    route: str
    params: tuple  # names of the captured arguments, in order

    def url(self, **values):
        """The address with `values` (or samples) in place of the captured arguments."""
        def converter(match):
            return str(values.get(match.group(2), SAMPLE[match.group(1) or "str"]))

        def group(match):  # the admin's regexes: its app list and its catch-all
            return str(values.get(match.group(1), match.group(2).split("|")[0].replace(".*", "x")))
        path = re.sub(r"\(\?P<(\w+)>([^)]*)\)", group, self.route)
        path = re.sub(r"<(?:(\w+):)?(\w+)>", converter, path)
        return "/" + path.replace("^", "").replace("$", "")


def all_routes():
    routes = []

    def walk(patterns, namespace, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, namespace + ([pattern.namespace] if pattern.namespace else []), route)
            else:
                name = ":".join(namespace + [pattern.name]) if pattern.name else route
                params = tuple(re.findall(r"<(?:\w+:)?(\w+)>", route))
                routes.append(Route(name, route, params))
    walk(get_resolver().url_patterns, [], "")
    return routes


def row_counts():
    """Rows of every model but the audit trail: a refused request leaves them all as they were, and writes
    nothing but its audit entry (issue 7, point 3)."""
    return {model._meta.label: model._base_manager.count() for model in apps.get_models()
            if model._meta.app_label != "audit"}
