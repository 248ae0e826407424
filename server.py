"""The web app and the HTTP API in one process: FastAPI with the gradio page mounted at "/", under uvicorn.

`policy-assistant serve` (and ``python app.py``) run this. One login guards both: with a web login
configured, the page asks for it, gradio's own routes refuse anonymous requests, and the API takes a
bearer key or the logged-in session. ``--workers N`` runs N of these processes behind balancer.py.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from typing import Any

# Before gradio and chromadb are imported: they read these once. Without them gradio phones home
# (telemetry, version check), and after every event it rebuilds a pandas table of up to 10 000 past
# events for its monitoring page (not served here): the cost of each answer grew with uptime.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("GRADIO_ANALYTICS_CACHE_FREQUENCY", "1000000")
os.environ.setdefault("GRADIO_ANALYTICS_MAX_EVENTS", "100")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from assistant.settings import Settings  # noqa: E402
from assistant.startup import Startup  # noqa: E402


def create_server(assistant: Any, settings: Settings) -> Any:
    """The FastAPI app: API routes first (/api, /v1, /docs), the gradio page on every other path."""
    from api import create_api
    from ui.guard import GuardState
    from ui.page import create_app, mount

    guard = GuardState(login_required=bool(settings.auth_user))
    app = create_api(assistant, settings, session=guard.logged_in)
    mount(app, create_app(assistant, settings), settings, guard)
    return app


def listen(app: Any, settings: Settings, detail: str, **options: Any) -> tuple[Any, threading.Thread] | None:
    """Serve ``app`` with uvicorn on settings.host:settings.port (0 = a free port) on a thread of its
    own. Once it listens, prints the started line (``detail`` in it) and returns (server, thread);
    when it cannot (the address is taken), prints the error line and returns None."""
    import uvicorn

    from ui.page import free_port

    port = settings.port or free_port(settings.host)
    server = uvicorn.Server(uvicorn.Config(app, host=settings.host, port=port, log_level="warning", **options))

    def serve() -> None:
        try:
            server.run()
        except BaseException:  # SystemExit when it cannot bind; it has logged why
            pass

    thread = threading.Thread(target=serve, name="uvicorn", daemon=True)
    thread.start()
    while not server.started and thread.is_alive():
        time.sleep(0.05)
    if not server.started:
        print(f"错误: cannot serve on {settings.host}:{port} (address in use or not available)", file=sys.stderr)
        return None
    login = "（需要登录）" if settings.auth_user else ""
    print(f"政策问答助手已启动：http://{settings.host}:{port} {login}（{detail}；Ctrl+C 退出）", flush=True)
    return server, thread


def run(settings: Settings) -> int:
    """Serve until interrupted; returns the exit status (1: cannot listen, 2: no index can be had)."""
    try:
        assistant = Startup(settings)  # the page is served at once; the index builds behind it
    except (ValueError, OSError) as exc:
        print(f"错误: {exc}", file=sys.stderr)
        return 2
    started = listen(create_server(assistant, settings), settings, "API: /api, /v1, /docs",
                     timeout_graceful_shutdown=5)
    if started is None:
        return 1
    server, thread = started
    try:
        if assistant.wait() is None:  # no index and none can be built (read-only, full disk, no server)
            print(f"错误: {assistant.status()}", file=sys.stderr)
            return 2
        print("索引已就绪。", file=sys.stderr, flush=True)
        while thread.is_alive():
            thread.join(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        server.should_exit = True
        thread.join(10)
    return 0
