"""The whole page: header, tabs, the clause side panel, deep links; and how it is launched.

gradio 6 takes ``theme`` and ``css`` in ``launch()``, not in ``Blocks()``, so ``launch`` here is the one
place that starts the app (app.main and the tests both use it).
"""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.service import Assistant
from assistant.settings import Settings
from assistant.startup import Startup
from ui.browse import build_browse_tab
from ui.chat import build_chat_tab
from ui.duties import build_duties_tab
from ui.evaluation import add_eval_tab
from ui.feedback import FeedbackLog
from ui.guard import GuardState
from ui.panel import build_panel, clause_or_missing
from ui.render import esc
from ui.targets import build_targets_tab

STATIC = Path(__file__).resolve().parent / "static"
#: System fonts only: the default theme's web fonts would be fetched from the network.
SYSTEM_FONTS = [
    "-apple-system", "BlinkMacSystemFont", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei",
    "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "system-ui", "sans-serif",
]
MONO_FONTS = ["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"]
#: Reads ?clause=… from the page's own URL (runs in the browser before the load event is sent).
READ_LINK_JS = "() => new URLSearchParams(window.location.search).get('clause') || ''"
#: Runs before gradio's own scripts: gradio picks its UI language (buttons, upload box, "Toggle
#: Sidebar", errors) from the browser's, and this page is Chinese whatever the browser says.
FORCE_CHINESE = (
    "<script>(() => { const zh = ['zh-CN', 'zh'];"
    " Object.defineProperty(navigator, 'language', {get: () => zh[0]});"
    " Object.defineProperty(navigator, 'languages', {get: () => zh}); document.documentElement.lang = zh[0]; })();</script>"
)
#: Keyboard and focus for the clause panel: a chip that opens it moves focus into it, Escape closes it
#: and returns focus to the chip; gradio's English-only toggle gets a Chinese name and leaves the tab
#: order while the panel is closed. Delegated listeners, so it works on gradio's later-built DOM.
PANEL_KEYS = """<script>(() => {
  let opener = null;
  const sidebar = () => document.querySelector('#clause-sidebar');
  const toggle = () => sidebar() && sidebar().querySelector('.toggle-button');
  const sync = () => {
    const s = sidebar(), t = toggle();
    if (!t) return;
    const open = s.classList.contains('open');
    t.setAttribute('aria-label', open ? '关闭条款面板' : '打开条款面板');
    t.tabIndex = open ? 0 : -1;
  };
  new MutationObserver(sync).observe(document.documentElement, {subtree: true, attributes: true, attributeFilter: ['class']});
  document.addEventListener('click', (event) => {
    const chip = event.target.closest('.cite-chip');
    if (!chip || (sidebar() && sidebar().contains(chip))) return;
    opener = chip;
    setTimeout(() => {
      const view = document.querySelector('#clause-panel .clause-view');
      if (view && sidebar() && sidebar().classList.contains('open')) { view.tabIndex = -1; view.focus(); }
    }, 400);
  }, true);
  document.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape' || !sidebar() || !sidebar().classList.contains('open')) return;
    toggle().click();
    if (opener && document.contains(opener)) opener.focus();
  });
})();</script>"""
#: The assistant is thread-safe; 2 cores run this many answers at once while the rest wait in the queue.
CONCURRENCY = 8


def theme() -> gr.themes.Theme:
    return gr.themes.Default(primary_hue="blue", font=SYSTEM_FONTS, font_mono=MONO_FONTS)


def create_app(assistant: Assistant | Startup, settings: Settings | None = None) -> gr.Blocks:
    """Build the Blocks for one assistant; models stay loaded in ``assistant`` and are shared by all sessions."""
    settings = settings or assistant.settings
    log = FeedbackLog(settings.feedback_path)
    plan = assistant.plan
    with gr.Blocks(
        title="政策问答助手 · 南宁市教育提升三年行动",
        analytics_enabled=False,
        delete_cache=(3600, 3600),  # exported conversations are not kept for more than an hour or two
    ) as demo:
        panel = build_panel()
        gr.HTML(
            '<div class="app-header"><h1>政策问答助手</h1>'
            f'<div class="sub">{esc(plan.title)}{"（" + esc(plan.doc_number) + "）" if plan.doc_number else ""}'
            " · 每个回答都标注出处条款</div></div>",
            elem_id="app-header",
        )
        _startup_bar(assistant)
        with gr.Tabs(elem_id="tabs") as tabs:
            library = isinstance(assistant, Startup)
            with gr.Tab("问答", id="chat"):
                chat = build_chat_tab(assistant, log, panel, _document_ids(settings) if library else None)
            with gr.Tab("职责查询", id="duties"):
                duty_item = build_duties_tab(assistant, panel)
            with gr.Tab("目标指标", id="targets"):
                targets_doc = build_targets_tab(assistant, panel)
            with gr.Tab("原文", id="browse"):
                browse = build_browse_tab(assistant)
            if library:
                with gr.Tab("文件库", id="library"):
                    from ui.library import build_library_tab

                    refresh_library, library_outputs = build_library_tab(
                        assistant, settings, chat.picker, [browse.document, targets_doc])
            add_eval_tab(assistant)  # 评测: filled in by the evaluation work (ui/evaluation.py)
        link = gr.Textbox(visible=False, elem_id="deep-link")

        def follow_link(raw_id: str) -> tuple[Any, Any]:
            raw_id = str(raw_id or "").strip()[:50]
            if not raw_id:
                return gr.skip(), gr.skip()
            return gr.Tabs(selected="browse"), clause_or_missing(assistant, raw_id)

        demo.load(follow_link, [link], [tabs, browse.detail], js=READ_LINK_JS, api_visibility="private")
        if library:
            demo.load(refresh_library, None, library_outputs, api_visibility="private")

            def document_pickers() -> tuple[gr.Dropdown, gr.Dropdown, gr.Dropdown]:
                """原文 and 目标指标 show one plan at a time: pick which, when there are several; the
                duty items come from every plan."""
                from ui.duties import duty_items

                ids = [doc for doc, _ in assistant.plans() if doc]
                value = ids[0] if ids else None
                return (gr.Dropdown(choices=ids, value=value, visible=len(ids) > 1),
                        gr.Dropdown(choices=ids, value=value, visible=len(ids) > 1),
                        gr.Dropdown(choices=duty_items(assistant)))

            demo.load(document_pickers, None, [browse.document, targets_doc, duty_item], api_visibility="private")
    demo.queue(default_concurrency_limit=CONCURRENCY)
    return demo


def _document_ids(settings: Settings) -> list[str]:
    from knowledge.library import Library

    try:
        documents = Library(settings.library_dir, settings.corpus_path).documents()
    except (ValueError, OSError):
        return []
    return [d.id for d in documents] if len(documents) > 1 else []


def startup_html(startup: Startup) -> str:
    """The cold-start progress bar ("正在建立索引 120/274"); "" once the assistant is ready."""
    text = startup.status()
    if not text:
        return ""
    percent = round(100 * startup.fraction())
    return (
        f'<div class="startup" role="status"><div class="startup-text">{esc(text)}'
        "（可以先浏览原文、职责和指标；此时提问会稍候作答）</div>"
        f'<progress max="100" value="{percent}">{percent}%</progress></div>'
    )


def _startup_bar(assistant: Assistant | Startup) -> None:
    """While the index builds, a bar that a one-second timer refreshes until the assistant is ready."""
    if not isinstance(assistant, Startup) or assistant.ready:
        return
    bar = gr.HTML(startup_html(assistant), elem_id="startup")
    timer = gr.Timer(1.0)

    def refresh() -> tuple[str, gr.Timer]:
        return startup_html(assistant), gr.Timer(active=not assistant.ready)

    timer.tick(refresh, None, [bar, timer], api_visibility="private", show_progress="hidden")


def free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def _options(settings: Settings, guard: GuardState) -> dict[str, Any]:
    """What launch() and mount() both pass to gradio: login, limits, look, and the guard middleware."""
    from starlette.middleware import Middleware

    from ui.guard import Guard, HeadScript

    auth = (settings.auth_user, settings.auth_password) if settings.auth_user else None
    return {
        "app_kwargs": {"middleware": [Middleware(Guard, state=guard),
                                      Middleware(HeadScript, script=FORCE_CHINESE)]},
        "max_file_size": settings.max_upload_bytes,
        "auth": auth,
        "auth_message": "请输入用户名和密码" if auth else None,
        "ssr_mode": False,
        "mcp_server": False,
        "footer_links": ["api", "settings"],
        "theme": theme(),
        "css_paths": [STATIC / "app.css"],
        "head": PANEL_KEYS,
    }


def launch(
    demo: gr.Blocks, settings: Settings, *, prevent_thread_lock: bool = False, quiet: bool = False
) -> str:
    """Serve ``demo`` alone on settings.host:settings.port (0 = a free port); returns the local URL."""
    from ui.guard import GuardState

    port = settings.port or free_port(settings.host)
    guard = GuardState(login_required=bool(settings.auth_user))
    _, url, _ = demo.launch(
        **_options(settings, guard),
        state_session_capacity=settings.max_sessions,
        server_name=settings.host,
        server_port=port,
        prevent_thread_lock=prevent_thread_lock,
        quiet=quiet,
        share=False,
        inbrowser=False,
    )
    guard.tokens = demo.server_app.tokens  # the guard checks session routes against gradio's own logins
    return url


def mount(app: Any, demo: gr.Blocks, settings: Settings, guard: GuardState) -> None:
    """Mount ``demo`` at "/" of a FastAPI app (server.py: the API and the web app in one process)."""
    demo.state_session_capacity = settings.max_sessions
    gr.mount_gradio_app(app, demo, path="/", server_name=settings.host, server_port=settings.port,
                        **_options(settings, guard))
    mounted = next(route.app for route in app.routes if getattr(route, "path", None) == "")
    guard.tokens = mounted.tokens
