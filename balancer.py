"""`serve --workers N`: N app processes (server.py) behind one front process that keeps a session on one.

gradio keeps a session's queue, state and login in the memory of the process that served its page, so
every request of one browser must reach that process (gradio asks the same of replicas: stickiness). The
front picks a worker by, in order:
1. its cookie ``pa_worker``, set with the first page a browser loads;
2. gradio's ``session_hash`` (in the query, or the JSON body of queue/join), for clients without cookies
   such as gradio_client, and the ``event_id`` of gradio's two-step REST API (``POST /gradio_api/call/X``
   answers an event id; ``GET /gradio_api/call/X/<event_id>`` must reach the worker that issued it);
3. otherwise the worker with the fewest requests in flight: the API is stateless.
A worker that dies is started again; the sessions it held start afresh, as after a restart. Each worker
loads its own models and opens the same index (the data dir's, or the Chroma server's).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import OrderedDict
from typing import Any
from urllib.parse import parse_qs

import httpx

from assistant.settings import Settings

COOKIE = "pa_worker"
_HOP = {b"connection", b"keep-alive", b"proxy-authenticate", b"proxy-authorization", b"te", b"trailers",
        b"transfer-encoding", b"upgrade", b"content-length"}
_SESSION_RE = re.compile(rb'"session_hash"\s*:\s*"([^"]{1,100})"')
_CALL = "/gradio_api/call/"
# Streams a page keeps open for its whole life: idle, so not counted as load.
_LONG_LIVED = ("/gradio_api/heartbeat/", "/gradio_api/queue/data")
_EVENTS_KEPT = 10_000
_SESSIONS_KEPT = 200_000


class Balancer:
    """The front: an ASGI app forwarding each request to one worker on 127.0.0.1."""

    def __init__(self, ports: list[int]) -> None:
        self.ports = ports
        self.in_flight = [0] * len(ports)
        self._turn = 0  # among equally busy workers, take turns
        self._events: OrderedDict[str, int] = OrderedDict()  # gradio call event id -> worker (bounded)
        self._sessions: OrderedDict[bytes, int] = OrderedDict()  # session_hash -> worker (bounded, LRU)
        self._next_session = 0
        self.client: httpx.AsyncClient | None = None

    def choose(self, headers: dict[bytes, bytes], query: bytes, body: bytes, path: str = "") -> tuple[int, bool]:
        """(worker, pinned): pinned when the request names its session (cookie, session_hash, event id)."""
        event = path.rstrip("/").rsplit("/", 1)[-1] if path.startswith(_CALL) else ""
        if event in self._events:
            return self._events[event], True
        for part in headers.get(b"cookie", b"").split(b";"):
            name, _, value = part.strip().partition(b"=")
            if name == COOKIE.encode() and value.isdigit() and int(value) < len(self.ports):
                return int(value), True
        session = parse_qs(query.decode("latin-1")).get("session_hash", [""])[0].encode()
        if not session and body[:1] == b"{":
            found = _SESSION_RE.search(body[:4096])
            session = found.group(1) if found else b""
        if session:
            return self._session_worker(session), True
        self._turn = (self._turn + 1) % len(self.ports)
        n = len(self.ports)
        return min(range(n), key=lambda i: (self.in_flight[i], (i - self._turn) % n)), False

    def _session_worker(self, session: bytes) -> int:
        """New sessions take turns, so N sessions split evenly (a hash splits 20 as 13 and 7 as often as
        not, and the busier worker's users wait longer). The table keeps the _SESSIONS_KEPT sessions
        used last; one forgotten (idle through that many newer ones) starts afresh, as after a restart."""
        known = self._sessions.get(session)
        if known is not None:
            self._sessions.move_to_end(session)
            return known
        self._next_session = (self._next_session + 1) % len(self.ports)
        self._sessions[session] = self._next_session
        while len(self._sessions) > _SESSIONS_KEPT:
            self._sessions.popitem(last=False)
        return self._next_session

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":  # gradio 6 needs no websockets
            return
        body = b""
        while True:  # request bodies are small (questions; uploads are capped by the workers)
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = dict(scope.get("headers") or [])
        worker, pinned = self.choose(headers, scope.get("query_string", b""), body, scope["path"])
        forwarded = [(k, v) for k, v in scope.get("headers") or [] if k.lower() not in _HOP]
        client = (scope.get("client") or ("", 0))[0]
        forwarded.append((b"x-forwarded-for", client.encode()))
        query = scope.get("query_string", b"").decode("latin-1")
        for attempt in range(1 if pinned else len(self.ports)):
            index = (worker + attempt) % len(self.ports)
            url = f"http://127.0.0.1:{self.ports[index]}{scope.get('raw_path', b'').decode('latin-1') or scope['path']}"
            url = url.split("?")[0] + (f"?{query}" if query else "")
            assert self.client is not None
            request = self.client.build_request(scope["method"], url, headers=forwarded, content=body)
            load = 0 if scope["path"].startswith(_LONG_LIVED) else 1
            self.in_flight[index] += load
            try:
                upstream = await self.client.send(request, stream=True)
            except httpx.TransportError:
                self.in_flight[index] -= load
                continue
            try:
                if scope["method"] == "POST" and scope["path"].startswith(_CALL):
                    await self._remember_event(upstream, index)
                await _until_disconnect(
                    self._relay(upstream, send, index, set_cookie=not _has_cookie(headers)), receive)
            finally:
                self.in_flight[index] -= load
                await upstream.aclose()
            return
        data = json.dumps({"detail": "错误: 服务进程正在启动或重启，请稍候再试。"}, ensure_ascii=False).encode()
        await send({"type": "http.response.start", "status": 503,
                    "headers": [(b"content-type", b"application/json; charset=utf-8"), (b"retry-after", b"2")]})
        await send({"type": "http.response.body", "body": data})

    async def _remember_event(self, upstream: httpx.Response, index: int) -> None:
        await upstream.aread()  # a small JSON reply: {"event_id": ...}
        try:
            event = str(json.loads(upstream.content)["event_id"])
        except (ValueError, KeyError, TypeError):
            return
        self._events[event] = index
        while len(self._events) > _EVENTS_KEPT:
            self._events.popitem(last=False)

    async def _relay(self, upstream: httpx.Response, send: Any, index: int, set_cookie: bool) -> None:
        consumed = upstream.is_stream_consumed  # read (and decoded) already by _remember_event
        headers = [(k, v) for k, v in upstream.headers.raw
                   if k.lower() not in _HOP and not (consumed and k.lower() == b"content-encoding")]
        # Pinned by the page a browser loads; API replies set nothing, so API clients that keep cookies
        # (httpx, the openai client) still spread over the workers.
        if set_cookie and upstream.headers.get("content-type", "").startswith("text/html"):
            headers.append((b"set-cookie", f"{COOKIE}={index}; Path=/; HttpOnly; SameSite=Lax".encode()))
        await send({"type": "http.response.start", "status": upstream.status_code, "headers": headers})
        if consumed:
            await send({"type": "http.response.body", "body": upstream.content, "more_body": True})
        else:
            async for chunk in upstream.aiter_raw():  # server-sent events pass through as they come
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b""})

    async def _lifespan(self, receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self.client = httpx.AsyncClient(timeout=httpx.Timeout(None, connect=5.0), trust_env=False,
                                                limits=httpx.Limits(max_connections=500, max_keepalive_connections=100))
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self.client is not None:
                    await self.client.aclose()
                await send({"type": "lifespan.shutdown.complete"})
                return


async def _until_disconnect(relay: Any, receive: Any) -> None:
    """Run the relay until it ends or the client goes away: a closed page must not leave its endless
    heartbeat stream (and a connection to the worker) open behind it."""
    async def disconnected() -> None:
        while (await receive())["type"] != "http.disconnect":
            pass

    tasks = [asyncio.ensure_future(relay), asyncio.ensure_future(disconnected())]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
    if tasks[0].done() and not tasks[0].cancelled() and tasks[0].exception():
        raise tasks[0].exception()  # type: ignore[misc]


def _has_cookie(headers: dict[bytes, bytes]) -> bool:
    return f"{COOKIE}=".encode() in headers.get(b"cookie", b"")


class Workers:
    """N `policy-assistant serve` processes on loopback ports, started again when one dies."""

    def __init__(self, settings: Settings, count: int) -> None:
        from ui.page import free_port

        self.settings = settings
        self.ports = [free_port("127.0.0.1") for _ in range(count)]
        self.env = {**os.environ, **settings.replace(host="127.0.0.1", port=0).to_env()}
        self.processes: list[subprocess.Popen[bytes]] = [self._start(p) for p in self.ports]
        self.failure = 0  # the exit status of a worker that cannot start at all (a bad index, a bad setting)
        self._stop = threading.Event()
        threading.Thread(target=self._watch, name="workers", daemon=True).start()

    def _start(self, port: int) -> subprocess.Popen[bytes]:
        command = [sys.executable, "-m", "cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
        root = os.path.dirname(os.path.abspath(__file__))
        return subprocess.Popen(command, cwd=root, env=self.env, stdout=subprocess.DEVNULL,
                                preexec_fn=_die_with_parent)

    def _watch(self) -> None:
        while not self._stop.wait(1.0):
            for i, process in enumerate(self.processes):
                code = process.poll()
                if code is None:
                    continue
                if code == 2:  # it said why on stderr (no index can be had, a bad setting): stop
                    self.failure = 2
                    return
                print(f"工作进程 {process.pid} 退出（{code}），重新启动", file=sys.stderr, flush=True)
                self.processes[i] = self._start(self.ports[i])

    def wait_listening(self, timeout_s: float = 120.0) -> bool:
        deadline = time.monotonic() + timeout_s
        pending = set(self.ports)
        while pending and time.monotonic() < deadline and not self.failure:
            for port in list(pending):
                try:
                    httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1.0, trust_env=False)
                    pending.discard(port)
                except httpx.HTTPError:
                    pass
            time.sleep(0.2)
        return not pending

    def stop(self) -> None:
        self._stop.set()
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def _die_with_parent() -> None:
    """In the worker, before exec: the kernel sends it SIGTERM when the front dies, even by SIGKILL
    (Linux prctl PR_SET_PDEATHSIG), so no worker outlives its front."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: stop() and the SIGTERM handler still end them
        pass


def run_workers(settings: Settings, count: int) -> int:
    """Serve with `count` worker processes behind the front on settings.host:settings.port."""
    from server import listen

    # `kill` (SIGTERM) ends the front like Ctrl+C does, through the finally below that stops the workers.
    signal.signal(signal.SIGTERM, signal.default_int_handler)

    workers = Workers(settings, count)
    try:
        if not workers.wait_listening():
            print("错误: 工作进程未能启动", file=sys.stderr)
            return workers.failure or 1
        started = listen(Balancer(workers.ports), settings, f"{count} 个工作进程", lifespan="on")
        if started is None:
            return 1
        front, thread = started
        try:
            while thread.is_alive() and not workers.failure:
                thread.join(0.5)
        except KeyboardInterrupt:
            pass
        front.should_exit = True
        thread.join(10)
        return workers.failure
    finally:
        workers.stop()
