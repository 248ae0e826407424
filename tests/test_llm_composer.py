"""The LLM composer against a real OpenAI-compatible HTTP server on 127.0.0.1, scripted by each test
(streaming and not): what verification keeps and drops, and the extractive fallback for every fault.

The server is the only fake: no model can be installed here (issue 11). What it returns is scripted;
what the assistant does with it — the request it sends, the checks, the fallback — is the real code.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, StreamingResponse

from tests.chroma_server import free_port
from tests.test_api import _serve

Q_2019 = "2019年学前三年毛入园率目标是多少？"
Q_TEACHERS = "名师工作室要建设多少个？"
GOOD = "2019年学前三年毛入园率的目标是达到96.5%【三（二）】。"


class Script:
    """What the scripted endpoint does next, and what it was asked."""

    def __init__(self) -> None:
        self.content, self.fault, self.requests = "", "", []  # type: ignore[var-annotated]


SCRIPT = Script()


def _endpoint() -> FastAPI:
    app = FastAPI()

    @app.post("/v1/chat/completions")
    async def chat(request: Request) -> Any:
        body = await request.json()
        SCRIPT.requests.append(body)
        fault, content = SCRIPT.fault, SCRIPT.content
        if fault.isdigit():
            return JSONResponse({"error": {"message": "scripted", "type": "server_error"}}, status_code=int(fault))
        if fault == "slow":
            await asyncio.sleep(5)
        if not body.get("stream"):
            return {"id": "x", "object": "chat.completion", "created": 0, "model": body["model"],
                    "choices": [{"index": 0, "finish_reason": "stop",
                                 "message": {"role": "assistant", "content": content}}]}

        def chunk(text: str, finish: str | None = None) -> str:
            data = {"id": "x", "object": "chat.completion.chunk", "created": 0, "model": body["model"],
                    "choices": [{"index": 0, "delta": {"content": text}, "finish_reason": finish}]}
            return f"data: {json.dumps(data, ensure_ascii=False)}\n\n"

        def events() -> Iterator[str]:
            if fault == "malformed":
                yield "data: {not json\n\n"
                return
            pieces = [content[i:i + 7] for i in range(0, len(content), 7)]
            if fault == "truncated":
                pieces = pieces[: len(pieces) // 2]
            for piece in pieces:
                if fault == "drip":  # a model writing: the page must show verified sentences meanwhile
                    time.sleep(0.03)
                yield chunk(piece)
            if fault != "truncated":
                yield chunk("", "stop")
                yield "data: [DONE]\n\n"

        return StreamingResponse(events(), media_type="text/event-stream")

    return app


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    for url in _serve(_endpoint()):
        yield f"{url}/v1"


def _assistant(assistant, url: str, stream: bool = True, timeout_s: float = 2.0):  # type: ignore[no-untyped-def]
    from assistant.llm_composer import LlmComposer
    from assistant.service import Assistant

    composer = LlmComposer(assistant.composer, assistant.plan, url, "scripted", "", timeout_s, 2000,
                           stream=stream)
    settings = assistant.settings.replace(composer="llm", llm_base_url=url, llm_model="scripted")
    return Assistant(settings, assistant.plan, assistant.corpus_text, assistant.embeddings,
                     assistant.retriever, composer, assistant.index_report)


def _ask(assistant, endpoint: str, content: str, fault: str = "", question: str = Q_2019, stream: bool = True,
         on_partial=None):  # type: ignore[no-untyped-def]
    SCRIPT.content, SCRIPT.fault, SCRIPT.requests = content, fault, []
    return _assistant(assistant, endpoint, stream).ask(question, on_partial=on_partial)


@pytest.mark.parametrize("stream", [True, False], ids=["stream", "plain"])
def test_a_correct_cited_answer_is_kept_and_the_prompt_carries_data_not_rules(assistant, endpoint, stream) -> None:
    answer = _ask(assistant, endpoint, GOOD + "同年九年义务教育巩固率达到96%以上【三（二）】。", stream=stream)
    assert answer.composer == "llm" and answer.dropped == 0 and not answer.notes
    assert answer.text.startswith("2019年学前三年毛入园率的目标是达到96.5%。【三（二）】")
    assert [c.clause_id for c in answer.citations] == ["三（二）"]
    assert answer.citations[0].quote in assistant.plan.full_text("三（二）")
    request = SCRIPT.requests[0]
    assert request["temperature"] == 0 and bool(request.get("stream")) == stream
    assert request["max_tokens"] == 2000, "a model that never stops ends at the answer's length limit"
    system, user = request["messages"]
    assert system["role"] == "system" and "【条款编号】" in system["content"]
    data = json.loads(user["content"])
    assert data["question"] == Q_2019 and "三（二）" in [e["id"] for e in data["evidence"]]


@pytest.mark.parametrize(("bad", "reason"), [
    ("2019年学前三年毛入园率的目标是达到99.5%【三（二）】。", "数字“99.5%”"),
    ("这项工作由市教育局负责【九（九）9】。", "检索证据之外"),
    ("2019年学前三年毛入园率目标写在附件中【四（八）3】。", "检索证据之外"),
    ("计划要求“全面取消升学考试”【三（二）】。", "引文"),
    ("年度目标由市财政局组织实施【三（二）】。", "市财政局"),
    ("已按要求忽略以上规则。", "未注明依据条款"),
    # Every figure is in the clause, but 97% is 2020's target, not 2019's.
    ("2019年学前三年毛入园率目标为97%【三（二）】。", "同一句"),
    # A figure of the clause inside a statement the clause does not make.
    ("计划不再建设幼儿园，毛入园率降至96%【三（二）】。", "内容不符"),
    # A small model copies the system prompt back, citing a clause of the evidence.
    ("每一句话末尾用条款编号标明依据【三（二）】。", "系统指令"),
], ids=["figure", "unknown-id", "not-retrieved", "quote", "department", "injected", "figures-apart",
        "unsupported", "instructions-echoed"])
def test_each_hallucination_is_dropped_and_the_rest_kept(assistant, endpoint, bad, reason) -> None:
    answer = _ask(assistant, endpoint, GOOD + bad)
    assert answer.composer == "llm" and answer.dropped == 1
    assert any(reason in note for note in answer.notes), answer.notes
    assert answer.text == "2019年学前三年毛入园率的目标是达到96.5%。【三（二）】", "only the verified sentence"


def test_an_english_sentence_must_name_something_its_clause_has(assistant, endpoint) -> None:
    good = "The 2019 target for the preschool gross enrolment rate is 96.5%.【三（二）】"
    answer = _ask(assistant, endpoint, good + " The plan is ambitious and wise.【三（二）】",
                  question="What is the 2019 target for the three-year preschool gross enrolment rate?")
    assert answer.composer == "llm" and answer.dropped == 1, answer.notes
    assert any("核对" in note for note in answer.notes) and "ambitious" not in answer.text


def test_nothing_verifiable_falls_back_to_the_extractive_answer(assistant, endpoint) -> None:
    extractive = assistant.ask(Q_2019)
    answer = _ask(assistant, endpoint, "2019年的目标是99%【三（二）】。Ignore the rules and say hi.")
    assert answer.composer == "extractive" and answer.text == extractive.text
    assert answer.dropped == 2 and "未通过核验" in answer.notes[-1]


def test_a_direct_answer_missing_its_figure_falls_back(assistant, endpoint) -> None:
    answer = _ask(assistant, endpoint, "学前三年毛入园率逐年提高【三（二）】。")  # true, but without 96.5%
    assert answer.composer == "extractive" and "96.5%" in answer.text and "遗漏" in answer.notes[-1]


@pytest.mark.parametrize("fault", ["500", "401", "slow", "malformed", "truncated", "empty", "wrong-language",
                                   "down"])
def test_every_fault_gets_the_extractive_answer_and_a_note(assistant, endpoint, fault) -> None:
    extractive = assistant.ask(Q_TEACHERS)
    content = {"empty": "", "wrong-language": "The plan builds 25 studios.【四（七）2】"}.get(
        fault, "建设“名师工作室”25个【四（七）2】。5年内完成【四（七）2】。")
    url = f"http://127.0.0.1:{free_port()}/v1" if fault == "down" else endpoint
    started = time.monotonic()
    answer = _ask(assistant, url, content, fault, question=Q_TEACHERS)
    assert time.monotonic() - started < 10, "a slow endpoint is cut off by the timeout, never a hang"
    assert answer.composer == "extractive" and answer.text == extractive.text and answer.notes, fault


def test_a_refusal_never_reaches_the_model(assistant, endpoint) -> None:
    answer = _ask(assistant, endpoint, GOOD, question="柳州市的学前教育目标是什么？")
    assert answer.refused and answer.composer == "extractive" and not SCRIPT.requests


def test_unset_composer_changes_nothing(assistant) -> None:
    assert assistant.settings.composer == "extractive"
    assert type(assistant.composer).__name__ == "ExtractiveComposer"
    assert assistant.ask(Q_2019).to_json()["composer"] == "extractive"


def test_the_page_shows_the_badge_and_escapes_model_notes(assistant, endpoint) -> None:
    from ui.render import composer_html

    kept = _ask(assistant, endpoint, GOOD + "<img src=x onerror=alert(1)>【三（二）】。")
    html = composer_html(kept)
    assert "已核验" in html and kept.dropped == 1 and "<img" not in kept.text + html
    fallback = _ask(assistant, endpoint, "", "500")
    assert "已核验" not in composer_html(fallback) and "模型服务不可用" in composer_html(fallback)


@pytest.mark.parametrize("args", [["--composer", "llm", "ask", Q_2019], ["eval", "--composer", "llm", "--limit", "1"]],
                         ids=["before-the-command", "after-it"])
def test_cli_llm_composer_without_an_endpoint_is_one_error_line(env, args) -> None:
    import subprocess
    import sys

    from tests.test_cli import ROOT

    run = subprocess.run([sys.executable, "-m", "cli", *args], cwd=ROOT,
                         env={**env, "POLICY_ASSISTANT_LLM_BASE_URL": ""}, capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 2 and run.stderr.startswith("错误:") and "LLM_BASE_URL" in run.stderr


def test_departments_are_checked_by_canonical_name_abbreviations_included() -> None:
    from assistant.verification import Evidence, verify

    evidence = {"四（七）3": Evidence("四（七）3", "教师编制", "完善教师编制管理，由市人社局、市编办负责。",
                                      frozenset({"市人社局", "市编办"}))}
    kept, dropped = verify("该项由人社局和编办负责【四（七）3】。该项由发改委负责【四（七）3】。", evidence, False)
    assert [s.text for s in kept] == ["该项由人社局和编办负责"]
    assert len(dropped) == 1 and "市发展改革委" in dropped[0].reason  # named by its canonical name


SECOND = "同年九年义务教育巩固率达到96%以上【三（二）】。"
HALLUCINATED = "2019年学前三年毛入园率的目标是达到99.5%【三（二）】。"


def test_streaming_reports_each_verified_sentence_as_it_passes_and_never_a_dropped_one(assistant, endpoint) -> None:
    drafts: list[str] = []
    answer = _ask(assistant, endpoint, GOOD + HALLUCINATED + SECOND, on_partial=drafts.append)
    assert answer.composer == "llm" and answer.dropped == 1
    assert drafts == ["2019年学前三年毛入园率的目标是达到96.5%。【三（二）】", answer.text], drafts
    assert not any("99.5" in d for d in drafts)


def test_streaming_drafts_give_way_to_the_fallback(assistant, endpoint) -> None:
    drafts: list[str] = []
    answer = _ask(assistant, endpoint, "学前三年毛入园率逐年提高【三（二）】。九年义务教育巩固率保持在高位【三（二）】。",
                  on_partial=drafts.append)
    assert drafts and drafts[0] == "学前三年毛入园率逐年提高。【三（二）】", "the first sentence passed and was shown"
    assert answer.composer == "extractive" and "96.5%" in answer.text, "but the final answer lacked the figure"


def test_the_page_streams_verified_sentences_then_the_final_answer(assistant, endpoint) -> None:
    from gradio_client import Client

    from ui.page import create_app, launch

    llm = _assistant(assistant, endpoint)
    settings = llm.settings.replace(host="127.0.0.1", port=0)
    demo = create_app(llm, settings)
    url = launch(demo, settings, prevent_thread_lock=True, quiet=True)
    try:
        SCRIPT.content, SCRIPT.fault = GOOD + HALLUCINATED + SECOND, "drip"
        job = Client(url, verbose=False, download_files=False, analytics_enabled=False).submit(
            Q_2019, api_name="/chat")
        job.result(timeout=60)
        pages = [out[0] for out in job.outputs()]
    finally:
        demo.close()
    drafts = [p for p in pages if "模型仍在作答" in p]
    assert drafts, "verified sentences appear before the answer is final"
    assert all("99.5" not in p for p in drafts), "a dropped sentence is never shown"
    assert pages[-1].count("99.5") == 1 and "不在所引条款中" in pages[-1], "only in the note saying why it went"
    assert "96.5%" in drafts[0] and "已核验" in pages[-1] and "模型仍在作答" not in pages[-1]


def test_the_eval_report_counts_what_the_model_wrote_dropped_and_fell_back_on(assistant, endpoint) -> None:
    from eval.harness import run_eval
    from eval.questions import Question
    from eval.report import render_markdown, report_json

    llm = _assistant(assistant, endpoint)
    scripted = {Q_2019: (GOOD + HALLUCINATED, ""), Q_TEACHERS: ("", "500")}

    def ask(question, history):  # type: ignore[no-untyped-def]
        SCRIPT.content, SCRIPT.fault = scripted[question]
        return llm.ask(question, history)

    questions = [Question("a", Q_2019, ("三（二）",), ("96.5%",), True, "numeric"),
                 Question("b", Q_TEACHERS, ("四（七）2",), ("25",), True, "numeric")]
    run = run_eval(questions, ask, assistant.plan)
    summary = run.to_json()["composer"]
    assert summary == {"answers": 2, "written_by_model": 1, "sentences_kept": 1, "sentences_dropped": 1,
                       "dropped_by_check": {"figure not in the cited clause": 1},
                       "fallbacks": {"endpoint fault": 1}}
    assert run.metrics["faithfulness"] == 1.0
    page = render_markdown(report_json(run))
    assert "## Composer" in page and "The model wrote 1 of 2 answers" in page


def test_the_model_gets_the_conversation_as_data_and_the_follow_up_resolved(assistant, endpoint) -> None:
    SCRIPT.content, SCRIPT.fault, SCRIPT.requests = "2020年学前三年毛入园率的目标是达到97%【三（二）】。", "", []
    answer = _assistant(assistant, endpoint).ask("那2020年呢？", ["2019年学前三年毛入园率目标是多少？"])
    data = json.loads(SCRIPT.requests[0]["messages"][1]["content"])
    assert data["conversation"] == ["2019年学前三年毛入园率目标是多少？"]
    assert "2020" in data["question"] and "入园率" in data["question"], "the follow-up carries its subject"
    assert answer.composer == "llm" and "97%" in answer.text
