"""The `policy-assistant` command: ask, clause, duties, targets, ingest, serve, eval."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant.answer import BadQuestion
from assistant.settings import Settings

EXIT_USAGE = 2


class UsageError(Exception):
    """Bad input from the user: printed as one line, exit code 2."""


def _settings(args: argparse.Namespace) -> Settings:
    settings = Settings.from_env(
        corpus_path=getattr(args, "corpus", None),
        data_dir=getattr(args, "data_dir", None),
        embedder=getattr(args, "embedder", None),
        chroma_url=getattr(args, "chroma_url", None),
        composer=getattr(args, "composer", None),
    )
    if settings.data_dir.exists() and not settings.data_dir.is_dir():
        raise UsageError(f"数据目录不是目录: {settings.data_dir}")
    return settings


def terminal(text: str) -> str:
    """Text safe to print: control characters (ANSI/OSC escapes, bells) removed, newlines and tabs kept.
    Questions and file names come from users; an escape sequence in them must not reach the terminal."""
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cs"))


def _out(text: str = "", file=None) -> None:  # type: ignore[no-untyped-def]
    print(terminal(text), file=file or sys.stdout)


def _build(args: argparse.Namespace, single: bool = False, **kwargs: Any):  # type: ignore[no-untyped-def]
    """The assistant for a command: the library's documents, or the one plan --corpus names."""
    from assistant.library import open_assistant
    from assistant.service import build_assistant

    settings = _settings(args)
    if not Path(settings.corpus_path).is_file():
        raise UsageError(f"找不到计划文件: {settings.corpus_path}")
    if kwargs or single:  # ingest (a progress bar, a forced rebuild) and eval read one plan
        return build_assistant(settings, **kwargs)
    return open_assistant(settings)


def _plan(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from knowledge.parser import load_plan

    return load_plan(Path(_settings(args).corpus_path))


def _json_line(record: object, indent: int | None = None) -> str:
    """JSON text that can always be written as UTF-8: a lone surrogate from the input becomes U+FFFD."""
    text = json.dumps(record, ensure_ascii=False, indent=indent)
    return text.encode("utf-8", "replace").decode("utf-8")


def cmd_ask(args: argparse.Namespace) -> int:
    import cli_ask

    return cli_ask.ask(args)


def cmd_ingest(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    files = [Path(f) for f in args.files] or [Path(_settings(args).corpus_path)]
    for file in files:
        if not file.is_file():
            raise UsageError(f"找不到文件: {file}")
        bar = tqdm(total=0, desc=f"索引 {file.name}", unit="句", file=sys.stderr)

        def progress(done: int, total: int, bar: tqdm = bar) -> None:
            bar.total = total
            bar.n = done
            bar.refresh()

        args.corpus = str(file)
        assistant = _build(args, rebuild=args.force, progress=progress)
        bar.close()
        r = assistant.index_report
        state = "built" if r.built else "up to date"
        _out(f"{file.name}: {r.clauses} clauses, {r.chunks} chunks, index {state} in {r.seconds:.2f} s ({r.key})")
        for warning in assistant.plan.warnings:
            _out(f"  warning: {warning}")
    return 0


def _library_command(name: str, args: argparse.Namespace) -> int:
    """The commands that read plans or the library (clause, duties, targets, add, docs, remove)."""
    import cli_library

    return int(getattr(cli_library, name)(args))


def _address(args: argparse.Namespace, settings: Settings) -> Settings:
    """--host and --port of `serve` and `api`, over the settings."""
    given = {k: v for k, v in (("host", args.host), ("port", args.port)) if v is not None}
    return settings.replace(**given)


def cmd_api(args: argparse.Namespace) -> int:
    from api import serve

    return serve(_address(args, _settings(args)))


def cmd_serve(args: argparse.Namespace) -> int:
    from app import main as serve_main

    settings = _settings(args)
    if not Path(settings.corpus_path).is_file():
        raise UsageError(f"找不到计划文件: {settings.corpus_path}")
    if not 1 <= args.workers <= 64:
        raise UsageError(f"--workers 须在 1 到 64 之间: {args.workers}")
    return serve_main(_address(args, settings), workers=args.workers)


def cmd_eval(args: argparse.Namespace) -> int:
    from eval.command import run

    # Question files cite the clauses of one plan (--corpus, the bundled one by default).
    return run(args, lambda: _build(args, single=True), read_plan=lambda: _plan(args), settings=_settings(args))


#: Options every command takes, before or after its name (`policy-assistant --composer llm eval …`
#: and `policy-assistant eval --composer llm …` alike).
GLOBAL_OPTIONS: list[tuple[tuple[str, ...], dict[str, Any]]] = [
    (("--corpus",), {"help": "plan file (default: the bundled Nanning education plan)"}),
    (("--data-dir",), {"dest": "data_dir", "type": Path, "help": "index, cache and feedback directory"}),
    (("--embedder",), {"help": "e5 (default), use, or st:<local model dir>"}),
    (("--composer",), {"choices": ("extractive", "llm"),
                       "help": "llm: your OpenAI-compatible model writes the answer, every sentence verified "
                               "(POLICY_ASSISTANT_LLM_BASE_URL, _LLM_MODEL)"}),
    (("--chroma-url",), {"dest": "chroma_url",
                         "help": "a Chroma server (chroma run) to keep the indexes in, e.g. http://127.0.0.1:8000"}),
    (("-v", "--verbose"), {"action": "store_true"}),
]


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="policy-assistant", description="Answers about a policy plan, cited to clauses.")
    for flags, options in GLOBAL_OPTIONS:
        p.add_argument(*flags, **options)
    sub = p.add_subparsers(dest="command", required=True)
    ask = sub.add_parser("ask", help="answer a question (no question: interactive chat)")
    ask.add_argument("question", nargs="?")
    ask.add_argument("--json", action="store_true", help="print the Answer as JSON")
    ask.add_argument("--jsonl", nargs=2, metavar=("IN", "OUT"), help="answer a file of questions")
    ask.add_argument("--doc", help="answer from this library document only (see docs)")
    ask.set_defaults(func=cmd_ask)
    clause = sub.add_parser("clause", help="show a clause, e.g. 四（二）3 or 4.2.3")
    clause.add_argument("id")
    clause.set_defaults(func=lambda a: _library_command("cmd_clause", a))
    duties = sub.add_parser("duties", help="tasks of a department, e.g. 财政局")
    duties.add_argument("department")
    duties.set_defaults(func=lambda a: _library_command("cmd_duties", a))
    targets = sub.add_parser("targets", help="the numeric targets table")
    targets.add_argument("--json", action="store_true")
    targets.set_defaults(func=lambda a: _library_command("cmd_targets", a))
    ingest = sub.add_parser("ingest", help="(re)build the index")
    ingest.add_argument("files", nargs="*")
    ingest.add_argument("--force", action="store_true", help="rebuild even when up to date")
    ingest.set_defaults(func=cmd_ingest)
    add = sub.add_parser("add", help="add plan files (PDF, Word, HTML, text) to the library")
    add.add_argument("files", nargs="+")
    add.add_argument("--title", help="a title to show instead of the plan's own")
    add.set_defaults(func=lambda a: _library_command("cmd_add", a))
    docs = sub.add_parser("docs", help="list the library's documents")
    docs.add_argument("--json", action="store_true")
    docs.set_defaults(func=lambda a: _library_command("cmd_docs", a))
    remove = sub.add_parser("remove", help="remove a document from the library")
    remove.add_argument("doc", help="the document's ID (see docs)")
    remove.set_defaults(func=lambda a: _library_command("cmd_remove", a))
    api = sub.add_parser("api", help="serve the HTTP API (REST and OpenAI-compatible)")
    api.add_argument("--host")
    api.add_argument("--port", type=int)
    api.set_defaults(func=cmd_api)
    serve = sub.add_parser("serve", help="start the web app and the HTTP API")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--workers", type=int, default=1,
                       help="app processes behind one sticky front (each loads its own models)")
    serve.set_defaults(func=cmd_serve)
    evaluate = sub.add_parser("eval", help="score answers on a labelled question file")
    try:
        from eval.command import configure

        configure(evaluate)
    except ImportError:  # pragma: no cover - eval is part of the package; keep the CLI usable regardless
        pass
    evaluate.set_defaults(func=cmd_eval)
    for command in sub.choices.values():  # after the command's name too; unset, they leave the value before it
        for flags, options in GLOBAL_OPTIONS:
            command.add_argument(*flags, **{**options, "default": argparse.SUPPRESS})
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(message)s")
    try:
        status = int(args.func(args) or 0)
        sys.stdout.flush()  # a full or closed stdout fails here, inside the handlers below
        return status
    except (UsageError, BadQuestion, ValueError, RecursionError) as exc:  # LibraryError is a ValueError
        # ValueError covers MalformedDocument and bad settings: user input, not a crash.
        _out(f"错误: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:  # unreadable input, unwritable output, a full disk, a read-only data dir
        _out(f"错误: {_os_message(exc)}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `policy-assistant targets | head`: the reader left, nothing to report
        sys.stderr.close()
        return 0


def _os_message(exc: OSError) -> str:
    if exc.strerror and exc.filename:
        return f"{exc.strerror}: {exc.filename}"
    return str(exc) or type(exc).__name__


if __name__ == "__main__":
    sys.exit(main())
