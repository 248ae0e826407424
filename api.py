"""The HTTP API, for programs rather than people: REST (/api/…) and OpenAI-compatible (/v1/…).

`policy-assistant api` serves it with uvicorn. Every answer is the same checked ``Answer`` the CLI and
the web app give; the OpenAI-compatible route puts the cited text in ``content`` and the citations in an
extra ``citations`` field, so the ``openai`` client, LangChain's ``ChatOpenAI`` and chat front ends work
unchanged.

Auth is one gate in front of every API path (/api, /v1, /docs, /openapi.json and the docs' own files):
with ``POLICY_ASSISTANT_API_KEYS`` set, or a web login configured, a request needs a valid bearer key, or
(when the web app is served by the same process, see server.py) a logged-in web session.
"""

from __future__ import annotations

import json
import os
import secrets
import time
import uuid
from collections.abc import Callable, Iterator, MutableMapping
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, StreamingResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field

from assistant.answer import Answer, BadQuestion
from assistant.settings import Settings

MODEL = "policy-assistant"
#: Every path the API serves; everything else belongs to the web app when both share a process.
API_PATHS = ("/api/", "/v1/", "/docs", "/openapi.json")
Scope = MutableMapping[str, Any]


class AskBody(BaseModel):
    question: str = Field(description="the question")
    history: list[str] = Field(default_factory=list, description="earlier questions, oldest first")
    document: str = Field("", description="a library document's ID to answer from only")


class ChatMessage(BaseModel):
    role: str
    content: str | list[dict[str, Any]] | None = ""


class ChatBody(BaseModel):
    model: str = MODEL
    messages: list[ChatMessage]
    stream: bool = False


def create_api(assistant: Any, settings: Settings, session: Callable[[Scope], bool] | None = None) -> FastAPI:
    """The API around an assistant (an Assistant, a library, or a Startup still building).

    ``session(scope)`` says whether a request carries a logged-in web session (server.py passes the web
    app's); with a web login configured and no session check, only bearer keys open the API."""
    # Swagger UI from files bundled in fastapi-offline: a government network cannot reach a CDN.
    app = FastAPI(title="policy-assistant API", version="1", docs_url=None, redoc_url=None)
    import fastapi_offline

    app.mount("/docs/static", StaticFiles(directory=Path(fastapi_offline.__file__).parent / "static"),
              name="docs-static")
    keys = {k.strip() for k in settings.api_keys.split(",") if k.strip()}
    app.add_middleware(ApiGate, keys=keys, closed=bool(keys or settings.auth_user), session=session)

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url="/openapi.json", title="policy-assistant API",
                                   swagger_js_url="/docs/static/swagger-ui-bundle.js",
                                   swagger_css_url="/docs/static/swagger-ui.css",
                                   swagger_favicon_url="/docs/static/favicon.png")

    @app.exception_handler(BadQuestion)
    async def bad_question(_: Request, exc: BadQuestion) -> JSONResponse:
        return JSONResponse({"detail": f"错误: {exc}"}, status_code=400)

    async def answer(question: str, history: list[str], document: str = "") -> Answer:
        if document:
            return await run_in_threadpool(assistant.ask, question, history, document)
        return await run_in_threadpool(assistant.ask, question, history)

    @app.get("/api/health")
    def health() -> dict[str, Any]:
        """Ready or starting, the documents served and the index version (its key: plan digest + model)."""
        ready = getattr(assistant, "ready", True)
        inner = assistant.wait(0) if hasattr(assistant, "wait") else assistant
        report = getattr(inner, "index_report", None) if ready else None
        plans = assistant.plans() if ready and hasattr(assistant, "plans") else []
        return {"status": "ok" if ready else "starting", "documents": len(plans) or 1,
                "index": getattr(report, "key", ""), "pid": os.getpid(),
                "store": settings.chroma_url or "embedded"}

    @app.post("/api/ask")
    async def ask(body: AskBody) -> dict[str, Any]:
        return (await answer(body.question, body.history, body.document)).to_json()

    @app.get("/api/clauses/{clause_id}")
    def clause(clause_id: str) -> dict[str, Any]:
        found = assistant.clause(clause_id)
        if found is None:
            raise HTTPException(404, f"错误: 未知条款编号: {clause_id}（示例：四（二）3 或 4.2.3）")
        plan = assistant.clause_plan(clause_id) or assistant.plan
        duty = found.duty
        return {"clause_id": found.id, "title": found.title, "heading_path": list(found.path),
                "text": found.text, "full_text": plan.full_text(found.id),
                "organizers": list(duty.organizers) if duty else [],
                "implementers": list(duty.implementers) if duty else []}

    @app.get("/api/duties/{department}")
    def duties(department: str) -> dict[str, Any]:
        everywhere = getattr(assistant, "tasks_everywhere", None)
        pairs = everywhere(department) if everywhere else [("", t) for t in assistant.tasks(department)]
        return {"department": department, "tasks": [
            {"document": doc, "clause_id": t.clause.id, "title": t.clause.title, "roles": list(t.roles)}
            for doc, t in pairs]}

    @app.get("/api/targets")
    def targets() -> list[dict[str, str]]:
        return [{"indicator": t.indicator, "period": t.period, "value": t.value, "clause_id": t.clause_id,
                 "sentence": t.sentence} for t in assistant.targets()]

    @app.get("/v1/models")
    def models() -> dict[str, Any]:
        return {"object": "list", "data": [{"id": MODEL, "object": "model", "created": 0, "owned_by": MODEL}]}

    @app.post("/v1/chat/completions", response_model=None)
    async def chat(body: ChatBody) -> Any:
        asked = [_text(m.content) for m in body.messages if m.role == "user" and _text(m.content).strip()]
        if not asked:
            raise HTTPException(400, "错误: 没有用户问题（messages 中需要 role=user 的内容）")
        result = await answer(asked[-1], asked[:-1])
        completion_id = f"chatcmpl-{uuid.uuid4().hex[:24]}"
        citations = [{"clause_id": c.clause_id, "title": c.title, "quote": c.quote} for c in result.citations]
        if not body.stream:
            return {
                "id": completion_id, "object": "chat.completion", "created": int(time.time()), "model": MODEL,
                "choices": [{"index": 0, "finish_reason": "stop",
                             "message": {"role": "assistant", "content": result.text}}],
                "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
                "citations": citations, "refused": result.refused,
            }
        return StreamingResponse(_stream(completion_id, result, citations), media_type="text/event-stream")

    return app


class ApiGate:
    """ASGI middleware: API paths need a bearer key or a logged-in web session once auth is configured."""

    def __init__(self, app: Any, keys: set[str], closed: bool,
                 session: Callable[[Scope], bool] | None = None) -> None:
        self.app, self.keys, self.closed, self.session = app, keys, closed, session

    def allows(self, scope: Scope) -> bool:
        if not self.closed or not str(scope.get("path", "")).startswith(API_PATHS):
            return True
        header = dict(scope.get("headers") or []).get(b"authorization", b"").decode("latin-1")
        token = header[7:].strip() if header[:7].lower() == "bearer " else ""
        if token and any(secrets.compare_digest(token, key) for key in self.keys):
            return True
        return bool(self.session and self.session(scope))

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or self.allows(scope):
            await self.app(scope, receive, send)
            return
        detail = ("错误: 需要有效的 API 密钥（Authorization: Bearer …）" if self.keys else
                  "错误: 需要登录网页应用，或设置 POLICY_ASSISTANT_API_KEYS 并使用 API 密钥")
        response = JSONResponse({"detail": detail}, status_code=401, headers={"WWW-Authenticate": "Bearer"})
        await response(scope, receive, send)


def _text(content: str | list[dict[str, Any]] | None) -> str:
    """A message's text: a string, or the text parts of a list of content parts."""
    if isinstance(content, list):
        return "".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
    return content or ""


def _stream(completion_id: str, result: Answer, citations: list[dict[str, str]]) -> Iterator[str]:
    """The answer as server-sent chat.completion.chunk events, a line at a time: it is composed before
    the first byte, so the pieces are its lines, not tokens still being made."""
    created = int(time.time())

    def event(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
        chunk = {"id": completion_id, "object": "chat.completion.chunk", "created": created, "model": MODEL,
                 "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **extra}
        return f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n"

    yield event({"role": "assistant", "content": ""})
    lines = result.text.split("\n")
    for i, line in enumerate(lines):
        yield event({"content": line + ("\n" if i < len(lines) - 1 else "")})
    yield event({}, "stop", citations=citations, refused=result.refused)
    yield "data: [DONE]\n\n"


def serve(settings: Settings) -> int:
    """`policy-assistant api`: the API on settings.host and settings.port (the index builds in the
    background; /api/health says when it is ready)."""
    import uvicorn

    from assistant.startup import Startup

    app = create_api(Startup(settings), settings)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning")
    return 0
