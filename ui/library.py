"""The 文件库 tab: add plan files (PDF, Word, web pages, text), see the documents, remove one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.settings import Settings
from assistant.startup import Startup
from knowledge.library import Document, Library, LibraryError
from knowledge.parser import MalformedDocument
from ui.render import WARN, esc

ALL = "全部文件"
FILE_TYPES = [".pdf", ".docx", ".html", ".htm", ".txt", ".md"]


def documents_html(documents: list[Document]) -> str:
    rows = "".join(
        f"<tr><td><code>{esc(d.id)}</code></td><td>{esc(d.title)}</td><td>{esc(d.doc_number or '—')}</td>"
        f"<td>{d.clauses}</td><td>{esc(d.added or '内置')}</td>"
        f"<td>{esc('；'.join(d.warnings) or '—')}</td></tr>"
        for d in documents
    )
    return (
        '<div class="table-scroll"><table class="grid documents"><thead><tr><th>编号</th><th>标题</th><th>文号</th>'
        f"<th>条款</th><th>添加时间</th><th>提示</th></tr></thead><tbody>{rows}</tbody></table></div>"
    )


def build_library_tab(startup: Startup, settings: Settings, picker: gr.Dropdown, views: list[gr.Dropdown]
                      ) -> tuple[Callable[[], tuple[Any, ...]], list[Any]]:
    """Lay out the tab; ``picker`` (the chat's document choice) is refreshed after every change.
    Returns a refresh function and its outputs, for the page to run at every page load (another
    session may have changed the library since the page was built)."""
    from assistant.settings import BUNDLED_CORPUS

    library = Library(settings.library_dir, settings.corpus_path)
    # A plan named with --corpus is served alone; the library is for the default setup.
    add_here = settings.corpus_path == BUNDLED_CORPUS
    gr.Markdown("#### 文件库\n上传本单位用到的计划文件（PDF、Word、网页或文本），问答时可在全部文件或某一文件中查找。")
    upload = gr.File(label="添加文件", file_count="multiple", file_types=FILE_TYPES, elem_id="library-upload",
                     interactive=add_here)
    status = gr.HTML("", elem_id="library-status")
    listing = gr.HTML(documents_html(_documents(library)), elem_id="library-list")
    with gr.Row():
        choice = gr.Dropdown([d.id for d in _documents(library)], label="移除文件", elem_id="library-remove-choice")
        remove = gr.Button("移除", variant="stop", size="sm", elem_id="library-remove")

    def after_change(message: str, kind: str = "ok") -> tuple[Any, ...]:
        startup.reload()
        documents = _documents(library)
        ids = [d.id for d in documents]
        shown = [gr.Dropdown(choices=ids, value=ids[0] if ids else None, visible=len(ids) > 1) for _ in views]
        return (f'<div class="status {kind}">{message}</div>', documents_html(documents),
                gr.Dropdown(choices=ids, value=None), gr.Dropdown(choices=[ALL, *ids], value=ALL), *shown)

    def add(files: list[str] | None, progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008
        added, problems = [], []
        for i, name in enumerate(files or []):
            progress((i, len(files or [])), desc=f"正在添加 {Path(name).name}")
            try:
                document = library.add(Path(name), prepare=_indexer(startup, settings))
            except (LibraryError, MalformedDocument) as exc:
                problems.append(f"{Path(name).name}：{exc}".replace(str(Path(name)) + ": ", ""))
                continue
            added.append(f"{document.id}（{document.title}）")
        message = "".join(f"已添加 {esc(a)}。" for a in added)
        message += "".join(f"<div>{WARN}{esc(p)}</div>" for p in problems)
        return (*after_change(message or "没有添加文件。", "notice" if problems else "ok"), None)

    def drop(doc_id: str | None) -> tuple[Any, ...]:
        if not doc_id:
            return after_change("请先选择要移除的文件。", "notice")
        try:
            document = library.remove(doc_id)
        except LibraryError as exc:
            return after_change(esc(str(exc)), "notice")
        return after_change(f"已移除 {esc(document.id)}（{esc(document.title)}）。")

    outputs = [status, listing, choice, picker, *views]
    upload.upload(add, [upload], [*outputs, upload], api_visibility="private")
    remove.click(drop, [choice], outputs, api_visibility="private")

    def refresh() -> tuple[Any, ...]:
        documents = _documents(library)
        ids = [d.id for d in documents]
        several = ids if len(ids) > 1 else []
        return documents_html(documents), gr.Dropdown(choices=ids), gr.Dropdown(choices=["全部文件", *several])

    return refresh, [listing, choice, picker]


def _documents(library: Library) -> list[Document]:
    try:
        return library.documents()
    except (LibraryError, MalformedDocument, OSError):
        return []


def _indexer(startup: Startup, settings: Settings) -> Callable[[Path], None]:
    """Builds a new document's index with the loaded model, before the library lists it."""

    def build(copy: Path) -> None:
        from assistant.service import index_plan

        current = startup.wait()
        index_plan(settings.replace(corpus_path=copy), current.embeddings if current is not None else None)

    return build
