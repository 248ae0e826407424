"""The web app and the API in one FastAPI process (server.py), with and without auth, and `serve --workers 2`
(balancer.py) with real processes, a real browser and the gradio client; feedback written by two processes.
"""

from __future__ import annotations

import json
import multiprocessing
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from starlette.routing import Mount

from tests.test_api import Q_2019, _serve
from tests.test_cli import COMMAND, ROOT
from tests.test_reliability import _copy_data_dir, _start_server

USER, PASSWORD, KEY = "principal", "s3cret-pass", "key-for-tests"


@pytest.fixture(scope="module")
def open_url(assistant, assistant_settings) -> Iterator[str]:
    from server import create_server

    yield from _serve(create_server(assistant, assistant_settings))


@pytest.fixture(scope="module")
def locked(assistant, assistant_settings) -> Iterator[tuple[str, object]]:
    from server import create_server

    settings = assistant_settings.replace(auth_user=USER, auth_password=PASSWORD, api_keys=KEY)
    app = create_server(assistant, settings)
    for url in _serve(app):
        yield url, app


def test_one_process_serves_the_page_the_api_and_offline_docs(open_url) -> None:
    from gradio_client import Client
    from openai import OpenAI

    with httpx.Client(base_url=open_url, timeout=30) as web:
        assert "<html" in web.get("/").text
        answer = web.post("/api/ask", json={"question": Q_2019}).json()
        assert "96.5%" in answer["answer"] and answer["citations"][0]["clause_id"] == "三（二）"
        docs = web.get("/docs").text
        assert "cdn" not in docs and "/docs/static/swagger-ui-bundle.js" in docs, "no CDN on offline networks"
        assert web.get("/docs/static/swagger-ui-bundle.js").status_code == 200
        assert "/api/ask" in web.get("/openapi.json").json()["paths"]
    reply = OpenAI(base_url=f"{open_url}/v1", api_key="unused", max_retries=0).chat.completions.create(
        model="policy-assistant", messages=[{"role": "user", "content": Q_2019}])
    assert "【三（二）】" in reply.choices[0].message.content
    result = Client(open_url, verbose=False, download_files=False, analytics_enabled=False).predict(
        Q_2019, [], api_name="/ask")
    assert result["citations"][0]["clause_id"] == "三（二）", "the page's own API answers on the same port"


def _routes(routes, prefix: str = "") -> Iterator[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(method, path) of every route, into mounted apps and included routers (gradio's /gradio_api)."""
    for route in routes:
        if not hasattr(route, "path"):
            inner = getattr(route, "original_router", None)
            yield from _routes(getattr(inner, "routes", []), prefix)
        elif isinstance(route, Mount):
            if hasattr(route.app, "routes"):
                yield from _routes(route.app.routes, prefix + route.path)
            else:
                yield "GET", prefix + route.path + "/swagger-ui-bundle.js"
        else:
            for method in sorted((getattr(route, "methods", None) or {"GET"}) - {"HEAD"}):
                yield method, prefix + route.path


#: What the login page itself loads, and gradio's login and logout: the only paths open without a login.
PUBLIC = re.compile(r"^/$|^/(login|logout)/?$|^/(assets|static)/|^/(theme\.css|favicon\.ico|robots\.txt)$"
                    r"|^/gradio_api/startup-events$")


def test_with_auth_every_api_and_gradio_route_refuses_an_anonymous_request(locked) -> None:
    url, app = locked
    routes = sorted(set(_routes(app.routes)))
    paths = {path for _, path in routes}
    assert {"/api/ask", "/v1/chat/completions", "/docs", "/openapi.json", "/gradio_api/queue/join",
            "/gradio_api/heartbeat/{session_hash}", "/gradio_api/upload", "/config"} <= paths
    opened = []
    with httpx.Client(base_url=url, timeout=30) as web:
        for method, path in routes:
            concrete = re.sub(r"\{[^}]+\}", "x", path)
            if PUBLIC.match(concrete):
                continue
            response = web.request(method, concrete, json={})
            if response.status_code not in (401, 403):
                opened.append((method, path, response.status_code))
        assert not opened, f"reachable without a login or a key: {opened}"
        page = web.get("/").text
        assert "三（二）" not in page and "提升教师队伍素质" not in page, "the anonymous page is the login form"
        for headers in ({"Authorization": "Bearer wrong"}, {}):
            assert web.post("/api/ask", json={"question": Q_2019}, headers=headers).status_code == 401
        ok = web.post("/api/ask", json={"question": Q_2019}, headers={"Authorization": f"Bearer {KEY}"})
        assert ok.status_code == 200 and "96.5%" in ok.json()["answer"]
    with httpx.Client(base_url=url, timeout=30) as session:  # a logged-in browser reaches both halves
        assert session.post("/login", data={"username": USER, "password": "wrong"}).status_code in (400, 401)
        assert session.post("/login", data={"username": USER, "password": PASSWORD}).status_code == 200
        assert session.get("/config").status_code == 200
        assert session.get("/gradio_api/info").status_code == 200
        assert session.get("/docs").status_code == 200 and session.get("/api/health").json()["status"] == "ok"


# -- several workers --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def two_workers(assistant, env, tmp_path_factory) -> Iterator[str]:
    data = _copy_data_dir(assistant, tmp_path_factory.mktemp("workers") / "data")
    lines: list[str] = []
    proc, url = _start_server(env, data, serve=("--workers", "2"), output=lines)
    assert any("2 个工作进程" in line for line in lines), "".join(lines)
    url = url.rstrip("/")
    for _ in range(600):  # the page is served at once; answers wait for each worker's index
        if all(httpx.get(f"{url}/api/health", timeout=5).json()["status"] == "ok" for _ in range(4)):
            break
        time.sleep(0.2)
    yield url
    workers = {httpx.get(f"{url}/api/health", timeout=5).json()["pid"] for _ in range(8)}
    proc.kill()  # even a front killed outright takes its workers with it (PR_SET_PDEATHSIG)
    proc.wait()
    deadline = time.time() + 30
    while time.time() < deadline and any(Path(f"/proc/{pid}").exists() for pid in workers):
        time.sleep(0.2)
    alive = [pid for pid in workers if Path(f"/proc/{pid}").exists()
             and "zombie" not in Path(f"/proc/{pid}/status").read_text().lower()]
    assert len(workers) == 2 and not alive, f"workers {workers}, alive {alive}:\n{''.join(lines[-30:])}"


def test_two_workers_share_the_load_and_keep_sessions_on_one(two_workers) -> None:
    from gradio_client import Client

    with httpx.Client(base_url=two_workers, timeout=30) as web:
        pids = {web.get("/api/health").json()["pid"] for _ in range(8)}
        assert len(pids) == 2, "API requests go to both workers"
        answers = [web.post("/api/ask", json={"question": Q_2019}).json() for _ in range(6)]
        assert all(a["citations"][0]["clause_id"] == "三（二）" for a in answers)
        for _ in range(6):  # gradio's two-step REST API: the event id is known to one worker only
            event = web.post("/gradio_api/call/ask", json={"data": [Q_2019, []]}).json()["event_id"]
            stream = web.get(f"/gradio_api/call/ask/{event}").text
            data = stream.split("event: complete\ndata: ", 1)[1]
            assert json.loads(data)[0]["citations"][0]["clause_id"] == "三（二）"
    clients = [Client(two_workers, verbose=False, download_files=False, analytics_enabled=False) for _ in range(4)]
    for client in clients:  # each gradio session stays on one worker (its queue lives there)
        for question in (Q_2019, "市财政局负责哪些任务？"):
            assert client.predict(question, [], api_name="/ask")["citations"]


@pytest.mark.browser
def test_a_browser_chats_through_two_workers(two_workers, browser) -> None:
    from tests.test_ui_browser import ask

    context = browser.new_context()
    page = context.new_page()
    page.goto(two_workers)
    page.wait_for_selector("#question textarea")
    assert any(c["name"] == "pa_worker" for c in context.cookies()), "the front pins the browser to a worker"
    for question in (Q_2019, "那2020年呢？"):
        # A worker's first chat event on a loaded 2-core machine can take longer than one answer.
        ask(page, question, timeout_ms=60_000)
    log = page.inner_text("#chat-log")
    assert "96.5%" in log and "97%" in log, "the follow-up reached the worker that holds the conversation"
    context.close()


def _rate(path: str, worker: int, count: int) -> None:
    from assistant.answer import Answer
    from ui.feedback import FeedbackLog

    log = FeedbackLog(Path(path))
    answer = Answer(question="q", text="a【三（二）】", citations=(), refused=False, hits=())
    for i in range(count):
        log.record("up", answer, answer_id=f"{worker}-{i}")
        if i % 5 == 0:  # a changed rating rewrites the file: must not drop the other process's lines
            log.record("down", answer, comment="改", answer_id=f"{worker}-{i}")


def test_feedback_from_two_processes_loses_nothing(tmp_path) -> None:
    path = str(tmp_path / "feedback.jsonl")
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_rate, args=(path, w, 60)) for w in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(120)
        assert w.exitcode == 0
    entries = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines()]
    assert sorted(e["answer_id"] for e in entries) == sorted(f"{w}-{i}" for w in range(2) for i in range(60))
    assert all((e["rating"] == "down") == (int(e["answer_id"].split("-")[1]) % 5 == 0) for e in entries)


def test_workers_flag_is_checked(env) -> None:
    run = subprocess.run([*COMMAND, "serve", "--workers", "0"], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 2 and run.stderr.startswith("错误:") and "--workers" in run.stderr
    assert sys.executable


def test_new_sessions_split_evenly_and_keep_their_worker() -> None:
    from balancer import Balancer

    front = Balancer([9001, 9002])
    sessions = [f"user{i}" for i in range(20)]
    first = [front.choose({}, f"session_hash={s}".encode(), b"")[0] for s in sessions]
    assert sorted(first.count(w) for w in (0, 1)) == [10, 10], "a hash would split 20 users unevenly"
    # Later requests of a session (queue/join's JSON body, the data stream's query) reach the same one.
    again = [front.choose({}, b"", json.dumps({"data": [], "session_hash": s}).encode()) for s in sessions]
    assert again == [(w, True) for w in first]
