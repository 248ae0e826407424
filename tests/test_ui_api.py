"""The running web app through its HTTP API (gradio_client), with the real e5 model and a real Chroma index.

The app is started once per session on 127.0.0.1 and a free port; test_ui_browser.py shares it.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, replace

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # before gradio / gradio_client are imported

import gradio as gr  # noqa: E402
import httpx  # noqa: E402
import pytest  # noqa: E402
from gradio_client import Client  # noqa: E402
from gradio_client.exceptions import AppError, AuthenticationError  # noqa: E402

from assistant.answer import Answer, Citation  # noqa: E402
from assistant.service import Assistant  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from knowledge.clause import Clause, Plan, Target  # noqa: E402
from ui.browse import search_html, tree_html  # noqa: E402
from ui.page import create_app, launch  # noqa: E402
from ui.render import Turn, clause_html, transcript_html  # noqa: E402
from ui.targets import targets_html  # noqa: E402

Q_2018 = "2018年学前三年毛入园率目标是多少？"
Q_FOLLOW = "那2019年呢？"
Q_ELSEWHERE = "柳州市的学前教育目标是什么？"
XSS = "<img src=x onerror=alert(1)>"
# gradio's queue calls a pandas option that pandas 3 deprecates; not ours to fix, and noise in every run.
GRADIO_PANDAS_NOISE = pytest.mark.filterwarnings(r"ignore:.*(no_silent_downcasting|copy keyword is deprecated)")
pytestmark = GRADIO_PANDAS_NOISE


@dataclass
class Served:
    url: str
    assistant: Assistant
    settings: Settings
    demo: gr.Blocks
    closed: bool = False

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.demo.close()


_lock = threading.Lock()
_served: list[Served] = []


def serve(assistant: Assistant) -> Served:
    """Start the app once per process on the session's assistant (no second model load or index build)."""
    with _lock:
        if not _served:
            settings = assistant.settings.replace(host="127.0.0.1", port=0)
            demo = create_app(assistant, settings)
            url = launch(demo, settings, prevent_thread_lock=True, quiet=True)
            _served.append(Served(url, assistant, settings, demo))
        return _served[0]


@pytest.fixture(scope="session")
def served(assistant: Assistant):
    server = serve(assistant)
    yield server
    server.close()


@pytest.fixture(scope="session")
def client(served: Served) -> Client:
    return Client(served.url, verbose=False, download_files=False, analytics_enabled=False)


def chat(client: Client, question: str) -> list[tuple]:
    """Every streamed update of the /chat endpoint: (transcript html, question box, status)."""
    job = client.submit(question, api_name="/chat")
    job.result(timeout=60)
    return list(job.outputs())


def test_binds_loopback_only(served: Served) -> None:
    assert served.url.startswith("http://127.0.0.1:")


def test_ask_answers_with_verbatim_citations(client: Client, served: Served) -> None:
    result = client.predict(Q_2018, [], api_name="/ask")
    assert not result["refused"]
    assert "96%" in result["answer"]
    assert result["citations"], "an answer must cite clauses"
    for citation in result["citations"]:
        assert f"【{citation['clause_id']}】" in result["answer"]
        assert citation["quote"] in served.assistant.plan.full_text(citation["clause_id"])
    assert result["timings_ms"]["total"] > 0


def test_follow_up_uses_the_previous_question(client: Client) -> None:
    first = client.predict(Q_2018, [], api_name="/ask")
    follow = client.predict(Q_FOLLOW, [Q_2018], api_name="/ask")
    assert "96%" in first["answer"]
    assert "96.5%" in follow["answer"]
    assert not follow["refused"]


def test_ask_is_one_plain_request_off_the_queue(served: Served) -> None:
    """/ask skips gradio's queue: one POST to gradio's own run route answers (no join, no event stream),
    and bad input still gets its message."""
    with httpx.Client(base_url=served.url, timeout=60) as web:
        reply = web.post("/gradio_api/run/ask", json={"data": [Q_FOLLOW, [Q_2018]], "session_hash": "s1"})
        assert reply.status_code == 200
        answer = reply.json()["data"][0]
        assert "96.5%" in answer["answer"] and answer["citations"][0]["clause_id"] == "三（二）"
        empty = web.post("/gradio_api/run/ask", json={"data": ["", []], "session_hash": "s1"})
        assert empty.status_code == 500 and "问题为空" in empty.text


def test_question_outside_the_plan_is_refused(client: Client) -> None:
    result = client.predict(Q_ELSEWHERE, [], api_name="/ask")
    assert result["refused"] is True
    assert result["citations"] == []


@pytest.mark.parametrize(
    ("question", "message"), [("", "问题为空"), ("   \n ", "问题为空"), ("教" * 100_000, "问题过长")]
)
def test_bad_questions_get_a_clear_message(client: Client, question: str, message: str) -> None:
    with pytest.raises(AppError, match=message):
        client.predict(question, [], api_name="/ask")


def test_department_alias_lists_its_tasks(client: Client, served: Served) -> None:
    result = client.predict("财政局", api_name="/duties")
    assert result["department"] == "市财政局"
    assert len(result["tasks"]) >= 5
    for task in result["tasks"]:
        duty = served.assistant.plan.get(task["clause_id"]).duty
        assert duty is not None
        assert "市财政局" in (*duty.organizers, *duty.implementers)
        assert set(task["roles"]) <= {"组织实施单位", "具体实施单位"}


def test_item_lists_its_departments(client: Client) -> None:
    result = client.predict("4.2.3", api_name="/responsible")
    assert result["clause_id"] == "四（二）3"
    assert result["organizers"], "四（二）3 names its 组织实施单位"
    assert client.predict("九（九）9", api_name="/responsible")["clause_id"] is None


def test_clause_and_targets_endpoints(client: Client) -> None:
    clause = client.predict("四(二)3", api_name="/clause")
    assert clause["clause_id"] == "四（二）3"
    assert clause["title"] in clause["full_text"]
    targets = client.predict(api_name="/targets")
    found = {(t["indicator"], t["period"]): t["value"] for t in targets}
    assert found[("学前三年毛入园率", "2019")] == "96.5%"


def test_chat_shows_the_question_then_the_answer_and_keeps_one_conversation_per_session(served: Served) -> None:
    alice = Client(served.url, verbose=False, download_files=False, analytics_enabled=False)
    bob = Client(served.url, verbose=False, download_files=False, analytics_enabled=False)
    updates = chat(alice, Q_2018)
    final = updates[-1][0]
    # The question at once, then the whole answer: no replayed "streaming" of a finished answer.
    assert len(updates) == 2 and "正在检索" in updates[0][0] and "正在检索" not in final
    assert "cite-chip" in final and "96%" in final
    follow = chat(alice, Q_FOLLOW)[-1][0]
    assert "96.5%" in follow, "the follow-up is read against this session's conversation"
    assert follow.count('class="msg user"') == 2
    other = chat(bob, "市财政局负责哪些任务？")[-1][0]
    assert Q_2018 not in other and other.count('class="msg user"') == 1
    cleared = alice.predict(api_name="/new_chat")[0]
    assert Q_2018 not in cleared


def test_chat_escapes_markup_in_questions(client: Client) -> None:
    final = chat(client, XSS)[-1][0]
    assert "<img" not in final
    assert "&lt;img src=x onerror=alert(1)&gt;" in final


def test_chat_reports_bad_input_without_adding_a_turn(client: Client) -> None:
    transcript, box, status = chat(client, "")[-1]
    assert "问题为空" in status
    big = "教" * 100_000
    _, _, status = chat(client, big)[-1]
    assert "问题过长" in status


def test_login_is_required_when_configured(served: Served) -> None:
    settings = served.settings.replace(port=0, auth_user="reader", auth_password="s3cret-pw")
    demo = create_app(served.assistant, settings)
    url = launch(demo, settings, prevent_thread_lock=True, quiet=True)
    try:
        assert httpx.get(url + "config", timeout=10).status_code == 401
        with pytest.raises(AuthenticationError):
            Client(url, verbose=False, download_files=False, analytics_enabled=False)
        reader = Client(url, auth=("reader", "s3cret-pw"), verbose=False, download_files=False,
                        analytics_enabled=False)
        assert reader.predict("财政局", api_name="/duties")["department"] == "市财政局"
    finally:
        demo.close()


def test_rendered_html_escapes_plan_and_answer_text() -> None:
    hostile = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    clause = Clause(
        id="一", parent_id=None, level="part", title=hostile, heading=f"一、{hostile}", path=(f"一、{hostile}",),
        text=f"一、{hostile}\n正文“引号”'单引号' & {hostile}", order=0,
    )
    plan = Plan(title=hostile, doc_number="", clauses=(clause,))
    answer = Answer(
        question=hostile, text=f"{hostile}【一】\n【<b>x</b>】", citations=(Citation("一", hostile, hostile),),
        refused=False, hits=(),
    )
    pages = [
        clause_html(plan, clause, hostile),
        transcript_html([Turn(hostile, answer)]),
        transcript_html([Turn(hostile, replace(answer, refused=True, citations=()))]),
        tree_html(plan),
        search_html(plan, "<img"),
        targets_html([Target(hostile, "2019", hostile, "一", hostile)]),
    ]
    for page in pages:
        assert "<script" not in page and "<img" not in page and "<b>x" not in page
    assert "&lt;script&gt;" in pages[0] and "<mark>&lt;script&gt;" in pages[0]
    assert 'data-action="cite"' in pages[1] and "&lt;b&gt;x&lt;/b&gt;" in pages[1]


def test_chart_draws_yearly_lines_and_overall_goals_apart(assistant) -> None:
    import re as _re

    from ui.chart import GOAL_OFFSET, rates_svg, series_of
    from ui.targets import _COLORS, OVERALL_CLAUSE, RATES, YEARS, number

    series = series_of(assistant.targets(), RATES, YEARS, OVERALL_CLAUSE, _COLORS, number)
    assert [s.name for s in series] == list(RATES)
    assert all(len(s.yearly) == 3 and s.goal for s in series), "three yearly targets and a 2020 goal each"
    svg = rates_svg(series, YEARS)
    assert svg.count("<polyline") == 3 and svg.count("<circle") == 9
    assert svg.count("<path d=\"M") == 3, "each goal is its own marker, not a flat line over the years"
    assert GOAL_OFFSET >= 60, "the goal marker and its axis label stay clear of the 2020 column"
    assert "总体目标" in _re.sub(r"<[^>]+>", " ", svg.split("</svg>")[1]), "the legend names the goal marker"
