"""The HTTP API on loopback under a real uvicorn: REST routes, and the OpenAI-compatible route through the
real `openai` client and LangChain's `ChatOpenAI`, streaming and not; bearer keys when configured."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import httpx
import pytest

Q_2019 = "2019年学前三年毛入园率目标是多少？"
KEY = "test-key-123"


def _serve(app) -> Iterator[str]:  # type: ignore[no-untyped-def]
    import uvicorn

    from ui.page import free_port

    port = free_port("127.0.0.1")
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 30
    while not server.started and time.time() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def api_url(assistant, assistant_settings) -> Iterator[str]:
    from api import create_api

    yield from _serve(create_api(assistant, assistant_settings))


@pytest.fixture(scope="module")
def locked_url(assistant, assistant_settings) -> Iterator[str]:
    from api import create_api

    yield from _serve(create_api(assistant, assistant_settings.replace(api_keys=f"other,{KEY}")))


def test_rest_routes(api_url, assistant) -> None:
    with httpx.Client(base_url=api_url, timeout=30) as web:
        data = web.post("/api/ask", json={"question": Q_2019}).json()
        assert "96.5%" in data["answer"] and data["citations"][0]["clause_id"] == "三（二）"
        for c in data["citations"]:
            assert c["quote"] in assistant.plan.full_text(c["clause_id"])
        follow = web.post("/api/ask", json={"question": "那2020年呢？", "history": [Q_2019]}).json()
        assert "97%" in follow["answer"]
        clause = web.get("/api/clauses/4.2.3").json()
        assert clause["clause_id"] == "四（二）3" and "市教育局" in clause["organizers"]
        duties = web.get("/api/duties/财政局").json()
        assert duties["tasks"] and all("组织实施单位" in t["roles"] or "具体实施单位" in t["roles"] for t in duties["tasks"])
        targets = web.get("/api/targets").json()
        assert {"indicator": "学前三年毛入园率", "period": "2019", "value": "96.5%"}.items() <= next(
            t for t in targets if t["period"] == "2019" and t["indicator"] == "学前三年毛入园率").items()
        assert web.get("/api/health").json()["status"] == "ok"
        bad = web.post("/api/ask", json={"question": ""})
        assert bad.status_code == 400 and bad.json()["detail"].startswith("错误:")
        assert web.get("/api/clauses/九（九）9").status_code == 404
        assert web.get("/docs").status_code == 200


def test_openai_client_gets_cited_answers(api_url) -> None:
    from openai import OpenAI

    client = OpenAI(base_url=f"{api_url}/v1", api_key="unused", max_retries=0)
    assert [m.id for m in client.models.list().data] == ["policy-assistant"]
    reply = client.chat.completions.create(model="policy-assistant", messages=[{"role": "user", "content": Q_2019}])
    assert "96.5%" in reply.choices[0].message.content and "【三（二）】" in reply.choices[0].message.content
    assert reply.model_extra["citations"][0]["clause_id"] == "三（二）"
    chunks = list(client.chat.completions.create(
        model="policy-assistant", stream=True,
        messages=[{"role": "user", "content": Q_2019}, {"role": "assistant", "content": "…"},
                  {"role": "user", "content": "那2020年呢？"}],
    ))
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert "97%" in text and "【三（二）】" in text, "the follow-up reads the conversation"
    assert chunks[-1].choices[0].finish_reason == "stop" and chunks[-1].model_extra["citations"]


def test_langchain_chat_openai_works_unchanged(api_url) -> None:
    from langchain_openai import ChatOpenAI

    llm = ChatOpenAI(base_url=f"{api_url}/v1", api_key="unused", model="policy-assistant", max_retries=0)
    message = llm.invoke(Q_2019)
    assert "96.5%" in message.content and "【三（二）】" in message.content
    streamed = "".join(chunk.content for chunk in llm.stream("柳州市的学前教育目标是什么？"))
    assert "计划中未提及" in streamed


def test_api_keys_are_required_when_configured(locked_url) -> None:
    from openai import AuthenticationError, OpenAI

    with httpx.Client(base_url=locked_url, timeout=30) as web:
        for method, path in (("POST", "/api/ask"), ("GET", "/api/clauses/三（二）"), ("GET", "/api/duties/财政局"),
                             ("GET", "/api/targets"), ("GET", "/v1/models"), ("POST", "/v1/chat/completions")):
            response = web.request(method, path, json={"question": Q_2019, "messages": []})
            assert response.status_code == 401, (path, response.status_code)
            wrong = web.request(method, path, json={}, headers={"Authorization": "Bearer nope"})
            assert wrong.status_code == 401, path
        ok = web.post("/api/ask", json={"question": Q_2019}, headers={"Authorization": f"Bearer {KEY}"})
        assert ok.status_code == 200 and "96.5%" in ok.json()["answer"]
    with pytest.raises(AuthenticationError):
        OpenAI(base_url=f"{locked_url}/v1", api_key="wrong", max_retries=0).models.list()
    reply = OpenAI(base_url=f"{locked_url}/v1", api_key=KEY, max_retries=0).chat.completions.create(
        model="policy-assistant", messages=[{"role": "user", "content": Q_2019}])
    assert "96.5%" in reply.choices[0].message.content
