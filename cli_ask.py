"""The `policy-assistant ask` command: one question, a file of questions, or a terminal conversation."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

from assistant.answer import Answer, BadQuestion
from cli import UsageError, _build, _json_line, _out, _settings, terminal


def ask(args: argparse.Namespace) -> int:
    """`ask`: one question, a file of questions (--jsonl IN OUT), or a conversation in the terminal."""
    if args.jsonl:
        return _ask_file(args, Path(args.jsonl[0]), Path(args.jsonl[1]))
    if args.question is None:
        return _chat(args)
    from assistant.question import check

    # Reject bad input before loading the model and the index.
    check(args.question, _settings(args).max_question_chars)
    assistant = _build(args)
    if args.doc:
        if not hasattr(assistant, "shelf"):
            raise UsageError("--doc 需要文件库中有多个文件（policy-assistant add 添加）")
        _print_answer(assistant.ask(args.question, (), args.doc), args.json)
        return 0
    _print_answer(assistant.ask(args.question), args.json)
    return 0


def _ask_file(args: argparse.Namespace, source: Path, target: Path) -> int:
    """Answer every question of a file; a bad line gets an error record and the rest is answered."""
    items = _read_jsonl_questions(source)
    if target.is_dir():
        raise UsageError(f"输出路径是一个目录: {target}")
    # Opened before the models load, so an unwritable output fails in a second, not after a build.
    with open(target, "w", encoding="utf-8") as out:
        assistant = _build(args)
        errors = 0
        for number, (question, error) in enumerate(items, 1):
            record: dict[str, Any]
            if question is None:
                record = {"question": None, "error": error}
            else:
                try:
                    record = assistant.ask(question).to_json()
                except BadQuestion as exc:
                    record, error = {"question": question, "error": str(exc)}, str(exc)
                except Exception as exc:  # one question must not lose the batch
                    logging.getLogger(__name__).exception("question %d failed", number)
                    error = f"internal error: {type(exc).__name__}"
                    record = {"question": question, "error": error}
            errors += bool(error)
            if error:
                _out(f"问题 {number}: {error}", file=sys.stderr)
            out.write(_json_line(record) + "\n")
    print(f"{len(items)} answers written to {terminal(str(target))} ({errors} with errors)", file=sys.stderr)
    return 0


def _chat(args: argparse.Namespace) -> int:
    """Interactive conversation in the terminal; follow-up questions use the history."""
    assistant = _build(args)
    history: list[str] = []
    print("policy-assistant — 输入问题，空行或 Ctrl-D 退出。", file=sys.stderr)
    while True:
        try:
            line = input("问> ")
        except EOFError:
            return 0
        if not line.strip():
            return 0
        try:
            answer = assistant.ask(line, history)
        except BadQuestion as exc:
            _out(str(exc))
            continue
        _print_answer(answer, args.json)
        history.append(line)


def _print_answer(answer: Answer, as_json: bool) -> None:
    if as_json:  # JSON escapes control characters itself
        print(_json_line(answer.to_json(), indent=2))
        return
    _out(answer.text)
    if answer.citations:
        _out("\n引用 Citations:")
        for c in answer.citations:
            _out(f"  【{c.clause_id}】{c.title}：{c.quote}")
    print(f"\n({answer.timings_ms.get('total', 0):.0f} ms)", file=sys.stderr)


def _read_jsonl_questions(path: Path) -> list[tuple[str | None, str]]:
    """(question or None, error) per non-blank line; a bad line is reported, not fatal."""
    if not path.is_file():
        raise UsageError(f"找不到输入文件: {path}")
    out: list[tuple[str | None, str]] = []
    for number, raw in enumerate(path.read_bytes().splitlines(), 1):
        try:
            line = raw.decode("utf-8-sig").strip()
        except UnicodeDecodeError:
            out.append((None, f"line {number}: not valid UTF-8"))
            continue
        if not line:
            continue
        if line.startswith("{"):
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                out.append((None, f"line {number}: bad JSON ({exc.msg})"))
                continue
            except RecursionError:
                out.append((None, f"line {number}: JSON nested too deeply"))
                continue
            if not isinstance(obj, dict) or not isinstance(obj.get("question"), str):
                out.append((None, f"line {number}: no string field 'question'"))
                continue
            out.append((obj["question"], ""))
        else:
            out.append((line, ""))
    return out
