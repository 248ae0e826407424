"""The web app's front door: ``python app.py`` or ``policy-assistant serve``.

Reads settings from the environment (POLICY_ASSISTANT_HOST, _PORT, _AUTH_USER, _AUTH_PASSWORD, …), loads
the models once, and serves the gradio page and the HTTP API (server.py) on 127.0.0.1:7860 by default.
No API key, no downloads.
"""

from __future__ import annotations

import sys

import server  # noqa: F401  (first: it sets the environment gradio and chromadb read at import)
from assistant.service import Assistant
from assistant.settings import Settings
from assistant.startup import Startup


def create_app(assistant: Assistant | Startup, settings: Settings | None = None):  # type: ignore[no-untyped-def]
    """The gr.Blocks for ``assistant`` (see ui.page.create_app)."""
    from ui.page import create_app as create

    return create(assistant, settings)


def main(settings: Settings | None = None, workers: int = 1) -> int:
    """Serve the web app and the HTTP API until interrupted; returns the exit status.

    ``policy-assistant serve`` passes the settings its global flags made (--data-dir, --corpus,
    --embedder, --chroma-url) and --workers; ``python app.py`` reads them from the environment.
    """
    if settings is None:
        try:
            settings = Settings.from_env()
        except ValueError as exc:
            print(f"错误: {exc}", file=sys.stderr)
            return 2
    if bool(settings.auth_user) != bool(settings.auth_password):
        print("错误: set both POLICY_ASSISTANT_AUTH_USER and POLICY_ASSISTANT_AUTH_PASSWORD, or neither",
              file=sys.stderr)
        return 2
    store = settings.chroma_url or settings.data_dir
    print(f"计划 {settings.corpus_path} · 嵌入模型 {settings.embedder} · 索引 {store}", file=sys.stderr)
    if workers > 1:
        from balancer import run_workers

        return run_workers(settings, workers)
    from server import run

    return run(settings)


if __name__ == "__main__":
    sys.exit(main())
