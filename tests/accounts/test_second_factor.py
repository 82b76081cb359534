"""等保 preset, two factors: a TOTP code after the password for municipal staff, experts and administrators."""
import base64

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests import factories
from tests.factories import PASSWORD
from unions.models import Role

REQUIRED = ["municipal_staff", "expert", "admin"]
pytestmark = pytest.mark.usefixtures("root")


def code(device, offset=0):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


def _password_login(user, client=None):
    client = client or Client()
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _device(user):
    return TOTPDevice.objects.create(user=user, name="验证器", confirmed=True)


@override_settings(OTP_REQUIRED_ROLES=REQUIRED)
@pytest.mark.parametrize("role, superuser", [
    (Role.MUNICIPAL_STAFF, False), (Role.EXPERT, False), (Role.ADMIN, True)])
def test_the_roles_must_enter_a_code_before_any_page(role, superuser):
    user = factories.user_with_role(role, is_superuser=superuser)
    device = _device(user)
    client = _password_login(user)
    for url in (reverse("dashboard"), reverse("inbox"), reverse("password_change"), "/admin/"):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("otp_verify")), url
    page = client.get(reverse("otp_verify"))
    assert "动态验证码" in page.content.decode()
    response = client.post(reverse("otp_verify"), {"token": code(device), "next": reverse("inbox")})
    assert response.status_code == 302 and response.url == reverse("inbox")
    assert client.get(reverse("dashboard")).status_code == 200


@override_settings(OTP_REQUIRED_ROLES=REQUIRED)
@pytest.mark.parametrize("role", [Role.UNIT_STAFF, Role.RECOMMENDING_STAFF])
def test_the_other_roles_need_only_their_password(role):
    client = _password_login(factories.user_with_role(role))
    assert client.get(reverse("dashboard")).status_code == 200


def test_with_the_setting_off_no_code_is_asked():
    client = _password_login(factories.user_with_role(Role.MUNICIPAL_STAFF))
    assert client.get(reverse("dashboard")).status_code == 200


@override_settings(OTP_REQUIRED_ROLES=REQUIRED)
def test_a_wrong_code_is_refused_in_chinese():
    user = factories.user_with_role(Role.MUNICIPAL_STAFF)
    device = _device(user)
    client = _password_login(user)
    wrong = f"{(int(code(device)) + 1) % 1000000:06d}"
    response = client.post(reverse("otp_verify"), {"token": wrong})
    assert response.status_code == 200 and "验证码不正确或已使用" in response.content.decode()
    response = client.post(reverse("otp_verify"), {"token": "12ab"})
    assert "请输入 6 位数字验证码" in response.content.decode()
    assert client.get(reverse("dashboard")).status_code == 302


@override_settings(OTP_REQUIRED_ROLES=REQUIRED)
def test_a_code_is_usable_once():
    user = factories.user_with_role(Role.EXPERT)
    device = _device(user)
    token = code(device)
    first = _password_login(user)
    assert first.post(reverse("otp_verify"), {"token": token}).status_code == 302
    # Someone who saw the code and the password, in another session at once.
    second = _password_login(user)
    response = second.post(reverse("otp_verify"), {"token": token})
    assert response.status_code == 200 and "验证码不正确或已使用" in response.content.decode()
    assert second.get(reverse("dashboard")).status_code == 302


@override_settings(OTP_REQUIRED_ROLES=REQUIRED)
def test_first_login_enrols_an_authenticator_from_a_qr_code_and_the_secret():
    user = factories.user_with_role(Role.MUNICIPAL_STAFF)
    client = _password_login(user)
    response = client.get(reverse("dashboard"))
    assert response.url.startswith(reverse("otp_setup"))
    page = client.get(reverse("otp_setup")).content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    secret = base64.b32encode(device.bin_key).decode()
    assert " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)) in page
    assert "<svg" in page and "http" not in page.split("<svg", 1)[1].split("</svg>", 1)[0].replace(
        "http://www.w3.org/2000/svg", "")  # drawn here, not fetched
    # Reloading shows the same secret, not a new one the phone does not know.
    assert client.get(reverse("otp_setup")).content.decode().count(secret[:4]) >= 1
    assert TOTPDevice.objects.filter(user=user).count() == 1
    response = client.post(reverse("otp_setup"), {"token": code(device)})
    assert response.status_code == 302
    assert TOTPDevice.objects.get(user=user).confirmed
    assert client.get(reverse("dashboard")).status_code == 200
    # From now on the code page, not the enrolment page (the secret is never shown again).
    again = _password_login(user)
    assert again.get(reverse("dashboard")).url.startswith(reverse("otp_verify"))
    assert again.get(reverse("otp_setup")).url == reverse("otp_verify")


@override_settings(OTP_REQUIRED_ROLES=REQUIRED)
def test_the_next_address_must_be_on_this_site():
    user = factories.user_with_role(Role.MUNICIPAL_STAFF)
    device = _device(user)
    client = _password_login(user)
    response = client.post(reverse("otp_verify"), {"token": code(device), "next": "https://evil.example/"})
    assert response.url == reverse("dashboard")


def test_the_administrator_never_sees_a_secret(client):
    user = factories.user_with_role(Role.EXPERT)
    device = _device(user)
    client.force_login(factories.user_with_role(Role.ADMIN, is_superuser=True))
    page = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk])).content.decode()
    assert device.key not in page and base64.b32encode(device.bin_key).decode() not in page
    assert client.get(reverse("admin:otp_totp_totpdevice_qrcode", args=[device.pk])).status_code == 403
    assert client.get(reverse("admin:otp_totp_totpdevice_config", args=[device.pk])).status_code == 403
