"""The dashboard's statistics charts draw in Chromium from the vendored Chart.js, with nothing from elsewhere."""
import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_city_sees_both_charts_drawn_from_local_files(page, live_server, screenshot):
    call_command("seed_demo", verbosity=0)
    errors, foreign = [], []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("request", lambda request: foreign.append(request.url)
            if not request.url.startswith(live_server.url) else None)
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill("city")
    page.get_by_label("密码").fill("Jieyang-2026")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/")
    page.wait_for_function("() => window.Chart && Object.keys(Chart.instances).length === 2")
    charts = page.evaluate("""() => Object.values(Chart.instances).map(chart => ({
        id: chart.canvas.id, labels: chart.data.labels.length, series: chart.data.datasets.map(d => d.label),
        height: chart.height}))""")
    by_id = {chart["id"]: chart for chart in charts}
    assert by_id["chart-by-union"]["series"] == ["正常运行", "限期整改", "已取消或摘牌"]
    assert by_id["chart-by-year"]["series"] == ["命名数", "年度考核完成率（%）"]
    assert all(chart["labels"] and chart["height"] > 200 for chart in charts)
    expect(page.get_by_role("heading", name="按推荐单位")).to_be_visible()
    assert not errors and not foreign
    screenshot(page, "dashboard-statistics-city")
