"""loadtest/browser.py sends what a browser would send for a form, and reads the messages a page shows."""
import pytest

from loadtest.browser import parse

PAGE = """
<ul class="messages"><li class="message message--success" role="status">已保存草稿。</li>
<li class="message message--error" role="status">不能提交。</li></ul>
<a href="/reviews/applications/5/">申报</a><a href="/reviews/applications/5/">again</a>
<form method="post" action="/x/" enctype="multipart/form-data">
  <input type="hidden" name="csrfmiddlewaretoken" value="tok">
  <input name="leader_name" value="陈伟">
  <input type="checkbox" name="systems" value="activity" checked>
  <input type="checkbox" name="systems" value="study">
  <input type="checkbox" name="has_plaque">
  <input type="radio" name="upheld" value="0"><input type="radio" name="upheld" value="1" checked>
  <select name="kind"><option value="">—</option><option value="patent">专利</option></select>
  <select name="level"><option value="a">A</option><option value="b" selected>B</option></select>
  <select name="many" multiple><option value="1" selected>1</option><option value="2" selected>2</option></select>
  <textarea name="comment">
第一行</textarea>
  <input type="file" name="file"><input type="text" name="off" disabled><button type="submit" name="go">提交</button>
</form>
<form method="post" action="/accounts/logout/"><input type="hidden" name="csrfmiddlewaretoken" value="tok"></form>
"""


def test_the_defaults_are_what_an_untouched_form_sends():
    form = parse(PAGE).form(r"^/x/$")
    assert form.defaults() == [("csrfmiddlewaretoken", "tok"), ("leader_name", "陈伟"), ("systems", "activity"),
                               ("upheld", "1"), ("kind", ""), ("level", "b"), ("many", "1"), ("many", "2"),
                               ("comment", "第一行")]
    assert form.enctype == "multipart/form-data"
    assert form.choices("systems") == ["activity", "study"]
    assert form.choices("kind") == ["", "patent"]


def test_overrides_replace_a_field_and_may_give_several_values():
    form = parse(PAGE).form(r"^/x/$")
    data = form.data({"systems": ["activity", "study"], "kind": "patent", "comment": None, "has_plaque": "on"})
    assert ("systems", "study") in data and ("kind", "patent") in data and ("has_plaque", "on") in data
    assert not any(name == "comment" for name, _v in data)
    assert ("csrfmiddlewaretoken", "tok") in data


def test_a_field_the_page_does_not_offer_cannot_be_filled():
    with pytest.raises(KeyError, match="status"):
        parse(PAGE).form(r"^/x/$").data({"status": "named"})


def test_messages_and_links_are_read():
    page = parse(PAGE)
    assert page.messages == [("success", "已保存草稿。"), ("error", "不能提交。")]
    assert page.messages_of("error", "warning") == ["不能提交。"]
    assert page.links_matching(r"^/reviews/applications/\d+/$") == ["/reviews/applications/5/"]
    assert page.form(r"/logout/$").defaults() == [("csrfmiddlewaretoken", "tok")]
