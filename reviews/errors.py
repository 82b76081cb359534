class StaleAction(Exception):
    """The object changed between the page being shown and the action arriving (another user, a double submit)."""
