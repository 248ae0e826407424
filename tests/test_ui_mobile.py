"""The web app on a phone (390×844) and by keyboard, in a real Chromium; screenshots in tests/artifacts/."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.test_ui_api import GRADIO_PANDAS_NOISE, Q_2018, Served, served  # noqa: F401
from tests.test_ui_browser import ARTIFACTS, CHROMIUM, TIMEOUT_MS, ask

pytestmark = [
    GRADIO_PANDAS_NOISE,
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"),
]
WIDTH, HEIGHT = 390, 844


@pytest.fixture
def phone(browser, served: Served) -> Iterator[object]:  # noqa: F811  (browser: conftest)
    # An English-language phone: gradio's own words must still be Chinese.
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, is_mobile=True, has_touch=True,
                                  locale="en-US", device_scale_factor=2)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(served.url)
    page.wait_for_selector("#question textarea")
    ARTIFACTS.mkdir(exist_ok=True)
    yield page
    context.close()


def _inside_viewport(box: dict | None) -> bool:
    return box is not None and box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= WIDTH \
        and box["y"] + box["height"] <= HEIGHT


def test_every_tab_is_reachable_and_the_page_never_scrolls_sideways(phone) -> None:
    for name in ("问答", "职责查询", "目标指标", "原文", "评测"):
        tab = phone.get_by_role("tab", name=name)
        assert tab.is_visible(), f"tab {name} hidden behind an overflow menu"
        tab.click()
        phone.wait_for_timeout(200)
        assert phone.evaluate("document.documentElement.scrollWidth") <= WIDTH, name
    assert phone.evaluate("document.documentElement.lang") == "zh-CN"


def test_citation_panel_is_a_bottom_sheet_that_escape_closes(phone) -> None:
    ask(phone, Q_2018)
    chip = phone.locator("#chat-log .bubble.answer .cite-chip").first
    chip.click()
    sheet = phone.locator("#clause-sidebar.open")
    sheet.wait_for()
    phone.wait_for_timeout(500)  # the slide-in transition
    box = sheet.bounding_box()
    assert box and box["y"] > 0 and abs(box["y"] + box["height"] - HEIGHT) < 2, "anchored to the bottom"
    assert box["width"] == pytest.approx(WIDTH, abs=2)
    close = phone.locator("#clause-sidebar .toggle-button")
    assert _inside_viewport(close.bounding_box()), "the close button is fully on screen"
    assert close.get_attribute("aria-label") == "关闭条款面板"
    assert phone.evaluate("document.activeElement.classList.contains('clause-view')"), "focus moved into it"
    phone.screenshot(path=str(ARTIFACTS / "mobile-sheet.png"))
    phone.keyboard.press("Escape")
    phone.locator("#clause-sidebar.open").wait_for(state="detached")
    assert phone.evaluate("document.activeElement.classList.contains('cite-chip')"), "focus back on the chip"
    close_closed = phone.locator("#clause-sidebar .toggle-button")
    assert close_closed.get_attribute("tabindex") == "-1", "no English toggle in the tab order"


def test_targets_table_scrolls_in_its_box_and_the_chart_fits(phone) -> None:
    phone.get_by_role("tab", name="目标指标").click()
    scroller = phone.locator("#targets-table .table-scroll")
    scroller.wait_for()
    assert phone.evaluate("document.documentElement.scrollWidth") <= WIDTH
    widths = scroller.evaluate("el => [el.scrollWidth, el.clientWidth]")
    assert widths[0] > widths[1], "the table is wider than the phone and scrolls inside its box"
    scroller.evaluate("el => el.scrollLeft = el.scrollWidth")
    last_header = phone.locator("#targets-table thead th").last
    assert _inside_viewport(last_header.bounding_box()), "the last column can be reached"
    chart = phone.locator("#rates-chart svg.rates-chart")
    box = chart.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= WIDTH
    for item in phone.locator("#rates-chart .legend .item").all():
        item_box = item.bounding_box()
        assert item_box and item_box["x"] + item_box["width"] <= WIDTH, "legend labels wrap, none cut off"
    phone.screenshot(path=str(ARTIFACTS / "mobile-targets.png"), full_page=True)


def test_browse_detail_opens_in_view(phone) -> None:
    phone.get_by_role("tab", name="原文").click()
    phone.locator("#plan-tree .node").nth(10).click()
    detail = phone.locator("#clause-detail .clause-view")
    detail.wait_for()
    phone.wait_for_timeout(400)
    box = detail.bounding_box()
    assert box and 0 <= box["y"] < HEIGHT / 2, "the opened clause is at the top of the screen"
    phone.screenshot(path=str(ARTIFACTS / "mobile-browse.png"))


def test_gradio_words_are_chinese_and_icons_need_no_emoji_font(phone) -> None:
    phone.get_by_role("tab", name="评测").click()
    upload = phone.locator("#eval-upload, .upload-container, [data-testid=file-upload]").first
    text = phone.locator("body").inner_text()
    assert "Drop File Here" not in text and "Click to Upload" not in text
    assert "点击上传" in text or "拖放" in text, upload
    phone.get_by_role("tab", name="问答").click()
    ask(phone, Q_2018)
    meta = phone.locator("#chat-log .msg.bot .meta").last
    assert meta.locator("svg.icon").count() == 2, "the rating icons are inline SVG"
    assert not any(ch in meta.inner_text() for ch in "👍👎⚠️"), "no emoji"
    phone.screenshot(path=str(ARTIFACTS / "mobile-chat.png"))


def test_eval_summary_shows_all_its_columns_on_a_phone(phone) -> None:
    phone.get_by_role("tab", name="评测").click()
    limit = phone.get_by_label("只评测前 N 题（0 表示全部）")
    limit.fill("2")
    limit.press("Tab")
    phone.get_by_role("button", name="开始评测").click()
    phone.locator("#eval-status .status").filter(has_text="已评测").wait_for(timeout=120_000)
    headers = phone.get_by_role("columnheader").filter(has_text="统计范围").first
    headers.wait_for()
    box = headers.bounding_box()
    assert box and box["x"] + box["width"] <= WIDTH + 1, "the third column is on screen"
    table = headers.locator("xpath=ancestor::table[1]")
    assert table.evaluate("t => t.getBoundingClientRect().width") > WIDTH * 0.8, "the table has the width"
    phone.screenshot(path=str(ARTIFACTS / "mobile-eval.png"), full_page=True)
