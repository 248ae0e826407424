"""The library commands of `policy-assistant`: add, docs, remove (and the document list others read)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from cli import UsageError, _json_line, _out, _settings


def _library(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from knowledge.library import Library

    settings = _settings(args)
    return Library(settings.library_dir, settings.corpus_path)


def _library_documents(args: argparse.Namespace) -> list[tuple[str, Path]]:
    """(document id, file) of the plans a command reads: the library's, or the one --corpus names."""
    from assistant.settings import BUNDLED_CORPUS

    settings, library = _settings(args), _library(args)
    if settings.corpus_path != BUNDLED_CORPUS or not library.manifest.exists():
        return [("", Path(settings.corpus_path))]
    return [(d.id, Path(d.path)) for d in library.documents()]


def cmd_add(args: argparse.Namespace) -> int:
    """Add plan files to the library; each gets its index built before the library lists it."""
    import time

    from assistant.service import index_plan
    from embeddings.factory import make_embeddings

    settings = _settings(args)
    library = _library(args)
    embeddings = make_embeddings(settings.embedder, cache_dir=settings.cache_dir)
    for name in args.files:
        source = Path(name)
        if not source.is_file():
            raise UsageError(f"找不到文件: {source}")
        started = time.perf_counter()
        built: list[Any] = []

        def prepare(copy: Path, built: list[Any] = built) -> None:  # indexed before the library lists it
            built.append(index_plan(settings.replace(corpus_path=copy), embeddings))

        document = library.add(source, args.title or "", prepare=prepare)
        chunks = built[0].chunks if built else 0
        _out(f"已添加 {document.id}：{document.title}（{document.clauses} 条款，{chunks} 句，"
             f"{time.perf_counter() - started:.1f} 秒）")
        for warning in document.warnings:
            _out(f"  提示: {warning}")
    return 0


def cmd_docs(args: argparse.Namespace) -> int:
    documents = _library(args).documents()
    if args.json:
        from dataclasses import asdict

        print(_json_line([asdict(d) for d in documents], indent=2))
        return 0
    for d in documents:
        _out(f"{d.id}\t{d.title}\t{d.doc_number or '—'}\t{d.clauses} 条款\t{d.added or '内置'}")
        for warning in d.warnings:
            _out(f"\t提示: {warning}")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    from knowledge.parser import read_plan
    from knowledge.retriever import drop_indexes

    library = _library(args)
    document = library.get(args.doc)
    if document is None:
        raise UsageError(f"文件库中没有“{args.doc}”（policy-assistant docs 列出全部文件）")
    try:
        _, text = read_plan(Path(document.path))
    except (ValueError, OSError):
        text = ""
    library.remove(args.doc)
    dropped = drop_indexes(_settings(args).index_dir, text) if text else 0
    _out(f"已移除 {document.id}：{document.title}（索引 {dropped} 个）")
    return 0
