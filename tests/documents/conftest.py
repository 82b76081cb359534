# The naming workflow's fixtures: a round taken to its collective decision, its users.
from tests.reviews.conftest import city, county, open_round, unit, unit_user  # noqa: F401
from tests.reviews.test_decision_and_naming import scored  # noqa: F401
