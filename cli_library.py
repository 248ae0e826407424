"""The `policy-assistant` commands that read plans and the library: clause, duties, targets, add, docs,
remove (and the document list they share)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from cli import UsageError, _json_line, _out, _plan, _settings


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
    from assistant.service import open_store
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
    dropped = drop_indexes(open_store(_settings(args)), text) if text else 0
    _out(f"已移除 {document.id}：{document.title}（索引 {dropped} 个）")
    return 0


def cmd_clause(args: argparse.Namespace) -> int:
    from knowledge.ids import canonical_id

    plan, local = _plan(args), args.id
    if "·" in args.id:  # 南府办函2018-402·四（二）3: a clause of one library document
        doc_id, local = args.id.split("·", 1)
        document = _library(args).get(doc_id.strip())
        if document is None:
            raise UsageError(f"文件库中没有“{doc_id}”（policy-assistant docs 列出全部文件）")
        from knowledge.parser import load_plan

        plan = load_plan(Path(document.path))
    cid = canonical_id(local.strip(), plan)
    if cid is None:
        raise UsageError(f"未知条款编号: {args.id!r}（示例：四（二）3 或 4.2.3）")
    clause = plan.get(cid)
    assert clause is not None
    print(f"【{clause.id}】{clause.heading_path}\n")
    print(plan.full_text(cid))
    if clause.duty:
        print(f"\n组织实施单位: {'、'.join(clause.duty.organizers)}")
        print(f"具体实施单位: {'、'.join(clause.duty.implementers) or '（未列出）'}")
    return 0


def cmd_duties(args: argparse.Namespace) -> int:
    from assistant.duties import tasks_of
    from knowledge.departments import canonical_department
    from knowledge.parser import load_plan

    department = canonical_department(args.department)
    documents = _library_documents(args)
    several = len(documents) > 1
    found = [(doc_id, task) for doc_id, path in documents for task in tasks_of(load_plan(path), department)]
    if not found:
        raise UsageError(f"计划中没有“{args.department}”负责的任务")
    print(f"{department}：{len(found)} 项任务" + (f"（{len(documents)} 个文件）" if several else ""))
    for doc_id, task in found:
        cid = f"{doc_id}·{task.clause.id}" if several else task.clause.id
        print(f"  【{cid}】{task.clause.title}（{'、'.join(task.roles)}）")
    return 0


def cmd_targets(args: argparse.Namespace) -> int:
    from knowledge.parser import load_plan

    documents = _library_documents(args)
    several = len(documents) > 1  # a library: each target's clause names its document
    rows = [(t.indicator, t.period, t.value, f"{doc_id}·{t.clause_id}" if several else t.clause_id)
            for doc_id, path in documents for t in load_plan(path).targets()]
    if args.json:
        keys = ("indicator", "period", "value", "clause_id")
        print(json.dumps([dict(zip(keys, r, strict=False)) for r in rows], ensure_ascii=False, indent=2))
        return 0
    width = max((len(r[0]) for r in rows), default=4)
    for indicator, period, value, cid in rows:
        print(f"{indicator:\u3000<{width}}  {period:<10} {value:<10} 【{cid}】")
    return 0
