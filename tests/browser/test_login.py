"""Each demo role logs in through the real login page and sees its own dashboard."""
import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "Jieyang-2026"

# username → what only that role's dashboard shows
DASHBOARDS = {
    "unit": ["本单位创新工作室", "工作室成员"],
    "county": ["辖区创新工作室", "辖区单位工会"],
    "city": ["在册创新工作室", "推荐单位", "单位工会"],
    "expert": ["待评分", "已评分"],
    "admin": ["在册创新工作室", "有效账号", "系统管理"],
}


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", verbosity=0)


def _log_in(page, username, password):
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


@pytest.mark.parametrize("username", DASHBOARDS)
def test_each_demo_role_logs_in_and_sees_its_dashboard(demo, page, screenshot, username):
    _log_in(page, username, DEMO_PASSWORD)
    page.wait_for_url("**/")
    heading = page.get_by_role("heading", name="工作台")
    expect(heading).to_be_visible()
    body = page.locator("main").inner_text() + page.locator("nav.main-nav").inner_text()
    for text in DASHBOARDS[username]:
        assert text in body, (username, text)
    screenshot(page, f"dashboard-{username}-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, f"dashboard-{username}-phone")
    # logging out returns to the login page
    page.locator(".user-menu summary").click()
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url("**/accounts/login/")


def test_wrong_password_shows_a_chinese_error(demo, page, screenshot):
    _log_in(page, "unit", "not-the-password")
    error = page.locator(".form-error")
    error.wait_for()
    assert "请输入一个正确的" in error.inner_text()
    assert page.url.endswith("/accounts/login/")
    screenshot(page, "login-wrong-password")


def test_studio_list_filters_in_place(demo, page, screenshot):
    _log_in(page, "city", DEMO_PASSWORD)
    page.wait_for_url("**/")
    page.locator("nav.main-nav").get_by_role("link", name="创新工作室", exact=True).click()
    page.wait_for_url("**/studios/")
    rows_before = page.locator("table.table tbody tr").count()
    assert rows_before > 1
    page.get_by_label("状态").select_option("rectifying")
    page.wait_for_url("**status=rectifying**")
    page.wait_for_function("document.querySelectorAll('table.table tbody tr').length < %d" % rows_before)
    assert all("限期整改" in t for t in page.locator("table.table tbody tr").all_inner_texts())
    screenshot(page, "studio-list-filtered")
    page.locator("table.table tbody tr a").first.click()
    expect(page.get_by_role("heading", name="工作团队")).to_be_visible()  # waits for the page, unlike is_visible
    screenshot(page, "studio-detail")
