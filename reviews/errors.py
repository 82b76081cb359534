from core.conflicts import Conflict


class StaleAction(Conflict):
    """The object changed between the page being shown and the action arriving (another user, a double submit):
    a Conflict (409, core.conflicts) like any action the object's state no longer allows."""
