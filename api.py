"""The HTTP API, for programs rather than people: REST (/api/…) and OpenAI-compatible (/v1/…).

`policy-assistant api` serves it with uvicorn. Every answer is the same checked ``Answer`` the CLI and
the web app give; the OpenAI-compatible route puts the cited text in ``content`` and the citations in an
extra ``citations`` field, so the ``openai`` client, LangChain's ``ChatOpenAI`` and chat front ends work
unchanged. With ``POLICY_ASSISTANT_API_KEYS`` set, every route but /api/health needs a bearer key.
"""

from __future__ import annotations

import json
import secrets
import time
import uuid
from collections.abc import Iterator
from typing import Any

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, Field

from assistant.answer import Answer, BadQuestion
from assistant.settings import Settings

MODEL = "policy-assistant"


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


def create_api(assistant: Any, settings: Settings) -> FastAPI:
    """The API around an assistant (an Assistant, a library, or a Startup still building)."""
    app = FastAPI(title="policy-assistant API", version="1", docs_url="/docs")
    keys = {k.strip() for k in settings.api_keys.split(",") if k.strip()}

    def authorized(request: Request) -> None:
        if not keys:
            return
        header = request.headers.get("authorization", "")
        token = header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else ""
        if not any(secrets.compare_digest(token, key) for key in keys):
            raise HTTPException(401, "错误: 需要有效的 API 密钥（Authorization: Bearer …）",
                                headers={"WWW-Authenticate": "Bearer"})

    guarded = [Depends(authorized)]

    @app.exception_handler(BadQuestion)
    async def bad_question(_: Request, exc: BadQuestion) -> JSONResponse:
        return JSONResponse({"detail": f"错误: {exc}"}, status_code=400)

    async def answer(question: str, history: list[str], document: str = "") -> Answer:
        if document:
            return await run_in_threadpool(assistant.ask, question, history, document)
        return await run_in_threadpool(assistant.ask, question, history)

    @app.get("/api/health")
    def health() -> dict[str, Any]:
        ready = getattr(assistant, "ready", True)
        plans = assistant.plans() if ready and hasattr(assistant, "plans") else []
        return {"status": "ok" if ready else "starting", "documents": len(plans) or 1,
                "index": getattr(getattr(assistant, "index_report", None), "key", "")}

    @app.post("/api/ask", dependencies=guarded)
    async def ask(body: AskBody) -> dict[str, Any]:
        return (await answer(body.question, body.history, body.document)).to_json()

    @app.get("/api/clauses/{clause_id}", dependencies=guarded)
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

    @app.get("/api/duties/{department}", dependencies=guarded)
    def duties(department: str) -> dict[str, Any]:
        everywhere = getattr(assistant, "tasks_everywhere", None)
        pairs = everywhere(department) if everywhere else [("", t) for t in assistant.tasks(department)]
        return {"department": department, "tasks": [
            {"document": doc, "clause_id": t.clause.id, "title": t.clause.title, "roles": list(t.roles)}
            for doc, t in pairs]}

    @app.get("/api/targets", dependencies=guarded)
    def targets() -> list[dict[str, str]]:
        return [{"indicator": t.indicator, "period": t.period, "value": t.value, "clause_id": t.clause_id,
                 "sentence": t.sentence} for t in assistant.targets()]

    @app.get("/v1/models", dependencies=guarded)
    def models() -> dict[str, Any]:
        return {"object": "list", "data": [{"id": MODEL, "object": "model", "created": 0, "owned_by": MODEL}]}

    @app.post("/v1/chat/completions", dependencies=guarded, response_model=None)
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
