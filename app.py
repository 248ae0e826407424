"""The web app's front door: ``python app.py`` or ``policy-assistant serve``.

Reads settings from the environment (POLICY_ASSISTANT_HOST, _PORT, _AUTH_USER, _AUTH_PASSWORD, …), loads
the models once, and serves the gradio page on 127.0.0.1:7860 by default. No API key, no downloads.
"""

from __future__ import annotations

import os
import sys

# Before gradio is imported: it reads this once, and otherwise phones home (telemetry, version check).
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from assistant.service import Assistant  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from assistant.startup import Startup  # noqa: E402


def create_app(assistant: Assistant | Startup, settings: Settings | None = None):  # type: ignore[no-untyped-def]
    """The gr.Blocks for ``assistant`` (see ui.page.create_app)."""
    from ui.page import create_app as create

    return create(assistant, settings)


def main(settings: Settings | None = None) -> int:
    """Build the assistant and serve the app until interrupted; returns the exit status.

    ``policy-assistant serve`` passes the settings its global flags made (--data-dir, --corpus,
    --embedder); ``python app.py`` reads them from the environment.
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
    from ui.page import launch

    print(f"计划 {settings.corpus_path} · 嵌入模型 {settings.embedder} · 数据目录 {settings.data_dir}",
          file=sys.stderr)
    try:
        assistant = Startup(settings)  # the page is served at once; the index builds behind it
    except (ValueError, OSError) as exc:
        print(f"错误: {exc}", file=sys.stderr)
        return 2
    demo = create_app(assistant, settings)
    try:
        url = launch(demo, settings, prevent_thread_lock=True, quiet=True)
    except OSError as exc:  # port taken, address not available
        print(f"错误: cannot serve on {settings.host}:{settings.port}: {exc}", file=sys.stderr)
        return 1
    login = "（需要登录）" if settings.auth_user else ""
    print(f"政策问答助手已启动：{url} {login}（Ctrl+C 退出）", flush=True)
    try:
        if assistant.wait() is None:  # no index and none can be built (read-only, full disk…)
            print(f"错误: {assistant.status()}", file=sys.stderr)
            return 2
        print("索引已就绪。", file=sys.stderr, flush=True)
        demo.block_thread()  # returns on Ctrl+C
    except KeyboardInterrupt:
        pass
    finally:
        demo.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
