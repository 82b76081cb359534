"""等保 preset, passwords: 12 characters, 3 of 4 classes, no common or similar ones, none of the last 3 again."""
import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import PasswordHistory
from tests import factories
from tests.factories import PASSWORD

DEMO_PASSWORD = "Jieyang-2026"


def _errors(password, user=None):
    try:
        validate_password(password, user)
    except ValidationError as error:
        return [e.code for e in error.error_list]
    return []


def test_the_demo_password_meets_the_policy(user):
    assert _errors(DEMO_PASSWORD, user) == []


@pytest.mark.parametrize("password, code", [
    ("Jieyang-202", "password_too_short"),         # 11 characters, 3 classes
    ("jieyang-2026", None),                         # lower, digit, symbol: 3 classes is enough
    ("jieyangshi2026", "password_too_simple"),      # lower and digits only
    ("JIEYANGSHI-XX", "password_too_simple"),       # upper and symbol only
    ("Password1234", "password_too_common"),
])
def test_length_and_character_classes_and_common_passwords(user, password, code):
    assert _errors(password, user) == ([code] if code else [])


def test_a_password_like_the_username_is_refused(user):
    assert "password_too_similar" in _errors("Chenwei-2026", user)


def test_the_password_page_shows_the_rules_in_chinese(login, user):
    client = login(user)
    response = client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": "jieyangshi2026", "new_password2": "jieyangshi2026"})
    assert response.status_code == 200
    assert "四类中的至少 3 类" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def _change(client, old, new):
    return client.post(reverse("password_change"), {"old_password": old, "new_password1": new, "new_password2": new})


def test_none_of_the_last_three_passwords_may_be_chosen_again(login, user):
    client = login(user)
    # Also the current one, though the account has no history yet (made before the rule).
    PasswordHistory.objects.filter(user=user).delete()
    assert "最近 3 次" in _change(client, PASSWORD, PASSWORD).content.decode()
    chain = [PASSWORD, "Mima-diyi-2027", "Mima-dier-2027", "Mima-disan-2027"]
    for old, new in zip(chain, chain[1:]):
        assert _change(client, old, new).status_code == 302
    for reused in chain[1:]:
        response = _change(client, chain[-1], reused)
        assert response.status_code == 200 and "不能使用最近 3 次用过的密码" in response.content.decode()
    # The fourth-last is allowed again, and only three hashes are kept.
    assert _change(client, chain[-1], PASSWORD).status_code == 302
    assert PasswordHistory.objects.filter(user=user).count() == 3
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_the_admin_refuses_a_recent_password_too(client, user):
    admin = factories.user_with_role(factories.Role.ADMIN, is_superuser=True)
    client.force_login(admin)
    url = reverse("admin:auth_user_password_change", args=[user.pk])
    user.set_password("Mima-diyi-2027")
    user.save()
    data = {"password1": PASSWORD, "password2": PASSWORD}
    response = client.post(url, {**data, "usable_password": "true"})
    assert response.status_code == 200 and "不能使用最近 3 次用过的密码" in response.content.decode()
    response = client.post(url, {"password1": "Mima-xinde-2027", "password2": "Mima-xinde-2027",
                                 "usable_password": "true"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Mima-xinde-2027")
