"""The matrix covers every workflow: each route that takes a POST is one of its actions, or named here with the
reason it is not a state-changing step of a workflow. A new action cannot escape it."""
from config.urls import PUBLIC_ROUTES
from tests.security.routes import all_routes

from . import test_assessments, test_naming, test_studios, test_subsidies

CASES = test_naming.CASES + test_studios.CASES + test_assessments.CASES + test_subsidies.CASES

# Routes that change nothing of a workflow, or only what is the user's own.
NOT_WORKFLOW_ACTIONS = {
    "inbox_open": "marks the user's own notice read",
    "inbox_read_all": "marks the user's own notices read",
    "password_change": "the user's own password (tests/accounts)",
    "otp_verify": "the user's own second factor (tests/accounts)",
    "otp_setup": "the user's own second factor (tests/accounts)",
    "studios:import": "loads studios named before the system, no state to be in (tests/studios/test_import.py)",
}
# Pages that only read: a POST to them is refused by their method or changes nothing (tests/security/test_routes.py).
READ_ONLY = {
    "dashboard", "statistics_export", "inbox", "assessments:annual", "assessments:annual_export",
    "assessments:cycle_reviews", "assessments:cycle_detail", "assessments:rectification_list",
    "assessments:rectification_file", "assessments:recommendation_list", "documents:round_documents",
    "documents:round_documents_status", "documents:download", "reviews:round_list", "reviews:round_detail",
    "reviews:round_export", "reviews:panel", "reviews:assignment_list", "reviews:assignment_detail",
    "reviews:application_list", "reviews:application_detail", "reviews:attachment_download", "studios:list",
    "studios:export", "studios:import_template", "studios:detail", "studios:record", "studios:change_list", "studios:change_evidence",
    "studios:delisting_evidence", "subsidies:list", "subsidies:overview", "subsidies:ledger_export",
    "subsidies:receipt", "alliances:list", "alliances:detail", "unions:list", "unions:detail", "audit:list",
    "audit:export",
}


def test_every_route_is_an_action_of_the_matrix_or_said_why_not():
    routes = {r.name for r in all_routes() if not r.route.startswith("admin/") and r.name not in PUBLIC_ROUTES}
    covered = {action.route for action, _state in CASES}
    assert sorted(routes - covered - set(NOT_WORKFLOW_ACTIONS) - READ_ONLY) == []
    assert sorted((covered | set(NOT_WORKFLOW_ACTIONS) | READ_ONLY) - routes) == []
    assert covered.isdisjoint(READ_ONLY)


# Actions whose cells in the world are all of one kind, and why.
ONLY_REFUSED = {"cycle_open": "第十条: one cycle in two years, and this year's is open; tests/assessments/test_cycle.py "
                              "opens one"}
ONLY_ALLOWED = {"account_save": "an account has no state: with one or without, its unit and municipal staff keep it"}


def test_every_action_has_an_allowed_and_a_refused_state():
    actions = {}
    for action, state in CASES:
        actions.setdefault(action.name, []).append(state)
    for name, states in actions.items():
        assert any(state.allowed for state in states) or name in ONLY_REFUSED, name
        assert not all(state.allowed for state in states) or len(states) == 1 or name in ONLY_ALLOWED, name
