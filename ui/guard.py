"""ASGI middleware in front of gradio: login backoff per client, no anonymous session routes, and a
script placed first in the page's <head> (gradio picks its UI language before its own ``head`` runs).

gradio checks passwords but does not limit attempts, and its heartbeat and cancel routes answer without
a login. When the app has a login, this guard:
- counts failed ``POST /login`` per client address; after ``free_failures`` it answers 429 for a delay
  that doubles with every further failure (capped), whatever the password; a success clears the count;
- answers 401 on every route but the login page and its files unless the request carries a valid login
  token (gradio's heartbeat, cancel, token, user and other routes answer without one).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_LOGIN = ("/login", "/login/")
# What the login page itself loads; with a login configured, every other path needs one (gradio leaves
# some of its own routes open: heartbeat, cancel, token, user, app_id, runs, startup-events, …).
# gradio's launch() itself polls startup-events (it answers "true") before the first login.
_PUBLIC_PREFIXES = ("/login", "/logout", "/assets/", "/static/", "/theme.css", "/favicon.ico", "/robots.txt",
                    "/gradio_api/startup-events")


@dataclass
class LoginBackoff:
    """Failed logins per client; thread-safe (uvicorn may serve from several threads)."""

    free_failures: int = 5
    base_delay_s: float = 2.0
    max_delay_s: float = 300.0
    _failures: dict[str, tuple[int, float]] = field(default_factory=dict)  # client -> (count, last failure)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def wait_s(self, client: str, now: float | None = None) -> float:
        """Seconds the client must still wait before its next attempt (0 = may try now)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            count, last = self._failures.get(client, (0, 0.0))
        if count < self.free_failures:
            return 0.0
        delay = min(self.max_delay_s, self.base_delay_s * 2 ** (count - self.free_failures))
        return max(0.0, last + delay - now)

    def failed(self, client: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self._lock:
            count, _ = self._failures.get(client, (0, 0.0))
            self._failures[client] = (count + 1, now)
            if len(self._failures) > 10_000:  # bounded memory under a spray of addresses
                oldest = min(self._failures, key=lambda c: self._failures[c][1])
                del self._failures[oldest]

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._failures.pop(client, None)


@dataclass
class GuardState:
    """Shared with the running gradio app after launch: its login tokens, and whether it has a login."""

    backoff: LoginBackoff = field(default_factory=LoginBackoff)
    tokens: MutableMapping[str, str] | None = None
    login_required: bool = False

    def logged_in(self, scope: Scope) -> bool:
        """Whether the request carries a login token gradio issued (its ``access-token*`` cookie)."""
        tokens = self.tokens or {}
        headers = dict(scope.get("headers") or [])
        cookie = SimpleCookie()
        try:
            cookie.load(headers.get(b"cookie", b"").decode("latin-1"))
        except Exception:  # a malformed cookie header is simply not a login
            return False
        return any(name.startswith("access-token") and morsel.value in tokens for name, morsel in cookie.items())


class Guard:
    def __init__(self, app: ASGIApp, state: GuardState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.state.login_required:
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        client = (scope.get("client") or ("?", 0))[0]
        if path in _LOGIN and scope.get("method") == "POST":
            await self._login(client, scope, receive, send)
            return
        public = path == "/" or path.startswith(_PUBLIC_PREFIXES)  # "/" shows the login form until then
        if not public and not self.state.logged_in(scope):
            await _json(send, 401, {"detail": "需要登录。(Not authenticated.)"})
            return
        await self.app(scope, receive, send)

    async def _login(self, client: str, scope: Scope, receive: Receive, send: Send) -> None:
        wait = self.state.backoff.wait_s(client)
        if wait > 0:
            await _json(send, 429, {"detail": f"登录失败次数过多，请 {int(wait) + 1} 秒后再试。"},
                        [(b"retry-after", str(int(wait) + 1).encode())])
            return
        status: list[int] = []

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start":
                status.append(int(message["status"]))
            await send(message)

        await self.app(scope, receive, watch)
        if status and status[0] == 200:
            self.state.backoff.succeeded(client)
        elif status and status[0] in (400, 401):
            self.state.backoff.failed(client)

async def _json(send: Send, status: int, body: dict[str, Any], headers: list[tuple[bytes, bytes]] = ()) -> None:
    data = json.dumps(body, ensure_ascii=False).encode()
    await send({
        "type": "http.response.start",
        "status": status,
        "headers": [(b"content-type", b"application/json; charset=utf-8"),
                    (b"content-length", str(len(data)).encode()), *headers],
    })
    await send({"type": "http.response.body", "body": data})


class HeadScript:
    """Inserts ``script`` right after ``<head>`` of every HTML page gradio serves."""

    def __init__(self, app: ASGIApp, script: str) -> None:
        self.app = app
        self.script = script.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "GET":
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        chunks: list[bytes] = []

        async def rewrite(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers") or [])
                if not headers.get(b"content-type", b"").startswith(b"text/html"):
                    await send(message)
                    start = {}  # not HTML: pass the body through
                    return
                start = message
                return
            if start == {}:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = b"".join(chunks).replace(b"<head>", b"<head>" + self.script, 1)
            assert start is not None
            headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
            headers.append((b"content-length", str(len(body)).encode()))
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, rewrite)
