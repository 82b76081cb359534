import pytest
from django.core import mail
from django.urls import reverse

from tests import factories
from tests.factories import PASSWORD
from unions.models import Role


@pytest.fixture
def user(root):
    return factories.user_with_role(Role.UNIT_STAFF, username="chenwei", full_name="陈伟")


def test_login_with_right_password_goes_to_dashboard(client, user):
    response = client.post(reverse("login"), {"username": "chenwei", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("dashboard")
    assert "陈伟，您好" in response.content.decode()


def test_login_with_wrong_password_shows_a_chinese_error(client, user):
    response = client.post(reverse("login"), {"username": "chenwei", "password": "wrong-password"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_is_post_only_and_ends_the_session(client, user):
    client.force_login(user)
    assert client.get(reverse("logout")).status_code == 405
    client.post(reverse("logout"))
    assert client.get(reverse("dashboard")).status_code == 302


def test_password_change_enforces_validators(client, user):
    client.force_login(user)
    response = client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": "short1", "new_password2": "short1"})
    assert response.status_code == 200
    assert "密码太短" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_change_works_and_mails_the_owner(client, user, django_capture_on_commit_callbacks):
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_change"), {
            "old_password": PASSWORD, "new_password1": "Xin-mima-2027!", "new_password2": "Xin-mima-2027!"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Xin-mima-2027!")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]
    assert "密码已修改" in mail.outbox[0].subject
    # the session survives the change (Django rotates its hash)
    assert client.get(reverse("dashboard")).status_code == 200


def test_english_can_be_selected(client, user):
    client.force_login(user)
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("dashboard")}, follow=True)
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Dashboard" in html
    assert "Log out" in html


def test_chinese_is_the_default(client, user):
    client.force_login(user)
    html = client.get(reverse("dashboard")).content.decode()
    assert '<html lang="zh-hans">' in html
    assert "工作台" in html and "退出登录" in html


def test_an_english_browser_still_gets_chinese_until_english_is_chosen(client, user):
    client.force_login(user)
    html = client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="zh-hans">' in html


def test_anonymous_visitors_find_the_public_pages_and_the_login(client, db):
    html = client.get("/public/registry/").content.decode()
    assert 'href="/public/publicity/"' in html and 'href="/accounts/login/"' in html
