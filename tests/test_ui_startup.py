"""A cold start in a real browser: the page is served before the index exists, shows the build's
progress, answers a question asked meanwhile once the index is ready, and then hides the bar."""

from __future__ import annotations

import pytest

from tests.test_reliability import _start_server, _stop
from tests.test_ui_browser import ARTIFACTS, CHROMIUM, TIMEOUT_MS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"),
]


def test_cold_start_serves_the_page_at_once_with_progress(browser, env, tmp_path) -> None:
    from assistant.settings import BUNDLED_CORPUS

    # The plan up to 四（三）: its build (models, then both indexes) is still long enough to watch, in
    # less than half the time of the whole plan's (51 s of CI's 20 minutes).
    text = BUNDLED_CORPUS.read_text(encoding="utf-8")
    corpus = tmp_path / "plan.md"
    corpus.write_text(text[: text.index("#### （四）实施现代职业教育")], encoding="utf-8")
    proc, url = _start_server(env, tmp_path / "empty-data", "--corpus", str(corpus))  # no index, no cache
    try:  # the page is this test's own; the browser is the session's (conftest)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(url)
        bar = page.locator("#startup .startup")
        bar.wait_for()
        assert "正在" in bar.inner_text()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "cold-start.png"), full_page=True)
        # Browsing needs only the plan: it works while the index builds.
        page.get_by_role("tab", name="原文").click()
        page.get_by_role("tab", name="问答").click()
        page.fill("#question textarea", "2019年学前三年毛入园率目标是多少？")
        page.click("#send")
        page.locator("#chat-log .bubble.answer").wait_for(timeout=120_000)  # waits for the index
        assert "96.5%" in page.locator("#chat-log .bubble.answer").inner_text()
        page.locator("#startup .startup").wait_for(state="detached", timeout=30_000)
        page.close()
    finally:
        _stop(proc)
