"""`policy-assistant eval`: run the question set, report, compare, gate; check files; draft from feedback.

Exit codes: 0 done, 1 `--check` found problems, 2 bad input (file, option), 3 a `--min` bar failed.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from eval.feedback import collect_drafts
from eval.floors import DEFAULT_MIN_QUESTIONS, FLOORS, MIN_QUESTIONS, bars_for
from eval.harness import EvalRun, run_eval
from eval.metrics import METRICS
from eval.questions import QuestionFileError, check_file, default_questions_path, load_questions
from eval.report import check_bars, compare, metrics_table, run_part, write_report
from eval.sets import COLUMNS, side_by_side


class UsageProblem(Exception):
    """A bad file or option; str() is the message for the user (exit 2)."""


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = "Evaluate the assistant on a labelled question set, side by side with vanilla RAG."
    parser.add_argument("files", nargs="*", type=Path, metavar="FILE",
                        help="question files, JSON Lines (default: the bundled dev set); with several, "
                             "they are reported side by side per question type, and a bar written "
                             "NAME:METRIC=VALUE applies only to the file named NAME (its stem)")
    parser.add_argument("--check", type=Path, metavar="FILE",
                        help="only validate a question file: print its problems with line numbers")
    parser.add_argument("--report", type=Path, metavar="DIR", help="write report.json, report.md, report.html")
    parser.add_argument("--compare", type=Path, metavar="OLD.json", help="show changes against an earlier report.json")
    parser.add_argument("--min", action="append", default=[], dest="min_bars", metavar="METRIC=VALUE",
                        help="quality bar, repeatable; exit 3 when missed (a ceiling for lower-is-better "
                             "metrics). Metrics: " + ", ".join(m.name for m in METRICS))
    parser.add_argument("--floors", action="store_true",
                        help="apply the bundled sets' quality floors (eval/floors.py) to each file by its name, "
                             "and require a file of a bundled set to hold its usual number of questions")
    parser.add_argument("--no-vanilla", action="store_true", help="skip the vanilla LangChain baseline")
    parser.add_argument("--from-feedback", nargs="?", const="", default=None, metavar="PATH",
                        help="draft questions from 👎 feedback (default: the data directory's feedback log)")
    parser.add_argument("--out", type=Path, metavar="FILE", help="where --from-feedback writes (default stdout)")
    parser.add_argument("--limit", type=int, metavar="N", help="evaluate only the first N questions")
    parser.add_argument("--jobs", type=int, default=1, metavar="N",
                        help="with several files, evaluate them in N processes at once (one per core is "
                             "fastest; each file stays in one process, so its follow-ups keep their order)")


def parse_bars(specs: list[str], set_name: str | None = None) -> dict[str, float]:
    """Bars from METRIC=VALUE specs; those written SET:METRIC=VALUE only when ``set_name`` is SET."""
    bars: dict[str, float] = {}
    for spec in specs:
        name, sep, value = spec.partition("=")
        scope, colon, metric = name.strip().rpartition(":")
        try:
            if not sep or not metric.strip():
                raise ValueError
            number = float(value)
        except ValueError:
            raise UsageProblem(f"--min expects METRIC=VALUE, e.g. citation_recall=0.8; got {spec!r}") from None
        if not colon or set_name is None or scope == set_name:
            bars[metric.strip()] = number
    return bars


def _read_report(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageProblem(f"cannot read {path}: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UsageProblem(f"{path} is not a JSON report: {exc}") from None
    try:
        run_part(data)
    except ValueError:
        raise UsageProblem(f"{path} is not an evaluation report (no metrics in it)") from None
    return data


def _progress(label: str) -> Callable[[int, int], None]:
    live = sys.stderr.isatty()  # a log file gets one line per system, not hundreds of \r updates

    def show(done: int, total: int) -> None:
        if live:
            sys.stderr.write(f"\r{label}: {done}/{total}" + ("\n" if done == total else ""))
        elif done == total:
            sys.stderr.write(f"{label}: {done}/{total}\n")
        sys.stderr.flush()
    return show


def _build(build_assistant: Callable[[], Any]) -> Any:
    try:
        return build_assistant()
    except (OSError, ValueError) as exc:  # unreadable or unusable corpus, bad settings
        raise UsageProblem(f"cannot start the assistant: {exc}") from None


def _from_feedback(args: argparse.Namespace, build_assistant: Callable[[], Any], settings: Any) -> int:
    if args.from_feedback:
        path = Path(args.from_feedback)
    else:
        settings = settings or _build(build_assistant).settings
        path = getattr(settings, "feedback_path", settings.data_dir / "feedback.jsonl")
    try:
        result = collect_drafts(path)
    except OSError as exc:
        raise UsageProblem(f"cannot read feedback log {path}: {exc.strerror or exc}") from None
    lines = "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in result.drafts)
    if args.out:
        try:
            args.out.write_text(lines, encoding="utf-8")
        except OSError as exc:
            raise UsageProblem(f"cannot write {args.out}: {exc.strerror or exc}") from None
    else:
        sys.stdout.write(lines)
    skipped = f", skipped {len(result.malformed_lines)} malformed line(s)" if result.malformed_lines else ""
    print(f"{len(result.drafts)} draft question(s) from 👎 feedback in {path}{skipped}; "
          "label gold_clauses, answer_facts and type before adding them to a question file", file=sys.stderr)
    return 0


def _check(path: Path, build_assistant: Callable[[], Any], read_plan: Callable[[], Any] | None) -> int:
    # Validating a file needs the plan only, not the model and the index.
    plan = read_plan() if read_plan else _build(build_assistant).plan
    problems = check_file(path, plan)
    if problems:
        print("\n".join(problems))
        print(f"{path}: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    print(f"{path}: valid, {len(load_questions(path, plan))} questions")
    return 0


def evaluate_file(assistant: Any, path: Path, limit: int | None, vanilla: bool) -> tuple[EvalRun, EvalRun | None]:
    """One file's run of the assistant and, with ``vanilla``, of the vanilla baseline."""
    return _run_file(assistant, path, _questions(assistant, path, limit), vanilla)


def _run_file(assistant: Any, path: Path, questions: list[Any], vanilla: bool) -> tuple[EvalRun, EvalRun | None]:
    run = run_eval(questions, assistant.ask, assistant.plan, _progress(f"policy-assistant {Path(path).stem}"))
    baseline = None
    if vanilla:
        pipeline = _vanilla(assistant)
        baseline = run_eval(questions, pipeline.answer, assistant.plan, _progress("vanilla"), system="vanilla")
    return run, baseline


def _questions(assistant: Any, path: Path, limit: int | None) -> list[Any]:
    try:
        questions = load_questions(Path(path), assistant.plan)
    except QuestionFileError as exc:
        raise UsageProblem(f"{path}:\n{exc}") from None
    if limit is not None:
        questions = questions[: max(0, limit)]
    if not questions:
        raise UsageProblem("no questions to evaluate")
    return questions


def _vanilla(assistant: Any) -> Any:
    """The vanilla pipeline on the assistant's plan; its index is built on first use and then reused."""
    from eval.vanilla import VanillaPipeline  # imports the text splitter only when needed

    settings = assistant.settings
    try:
        corpus_text = Path(settings.corpus_path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageProblem(f"cannot read the corpus {settings.corpus_path}: {exc}") from None
    index_root = getattr(settings, "index_dir", Path(settings.data_dir) / "index")
    # The disk/memo cache wrapper (if any) would hand vanilla the query vectors the assistant
    # just computed and make its latency look free; the inner backend gives the same vectors.
    embeddings = getattr(assistant.embeddings, "inner", assistant.embeddings)
    return VanillaPipeline(corpus_text, assistant.plan, embeddings, index_root)


def _evaluate_all(args: argparse.Namespace, assistant: Any, paths: list[Path],
                  settings: Any) -> dict[str, tuple[EvalRun, EvalRun | None]]:
    vanilla = not args.no_vanilla
    loaded = [_questions(assistant, p, args.limit) for p in paths]  # a bad file fails now, not after a run
    if args.jobs == 1 or len(paths) == 1 or settings is None:
        return {p.stem: _run_file(assistant, p, questions, vanilla) for p, questions in zip(paths, loaded, strict=True)}
    from eval.workers import evaluate_files

    assistant.cross_lingual()  # build every index once, here, rather than in a worker that others wait for
    if vanilla:
        _vanilla(assistant)
    return evaluate_files(settings, paths, args.jobs, args.limit, vanilla, [len(q) for q in loaded])


def run(
    args: argparse.Namespace,
    build_assistant: Callable[[], Any],
    read_plan: Callable[[], Any] | None = None,
    settings: Any = None,
) -> int:
    """Carry out `eval` as configured by configure(); returns the exit code.

    read_plan and settings spare `--check` and `--from-feedback` building the whole assistant.
    """
    try:
        if args.from_feedback is not None:
            return _from_feedback(args, build_assistant, settings)
        if args.check is not None:
            return _check(args.check, build_assistant, read_plan)
        parse_bars(args.min_bars)
        unknown = [v for v in check_bars({}, parse_bars(args.min_bars)) if v.startswith("unknown metric")]
        if unknown:  # fail before a long run, not after it
            print("\n".join(unknown), file=sys.stderr)
            return 3
        old = _read_report(args.compare) if args.compare else None
        paths = list(args.files) or [default_questions_path()]
        if args.jobs < 1:
            raise UsageProblem(f"--jobs must be 1 or more; got {args.jobs}")
        assistant = _build(build_assistant)
        runs = _evaluate_all(args, assistant, [Path(p) for p in paths], settings)
    except UsageProblem as exc:
        print(f"错误: {exc}", file=sys.stderr)
        return 2
    violations: list[str] = []
    for name, (run_, baseline) in runs.items():
        print(f"\n## {name}\n\n" + metrics_table(run_, baseline))
        print(f"\n{len(run_.results)} questions, {len(run_.failed)} failed.")
        if args.report:
            directory = args.report if len(runs) == 1 else args.report / name
            try:
                written = write_report(run_, directory, baseline)
            except OSError as exc:
                print(f"错误: cannot write the report to {directory}: {exc.strerror or exc}", file=sys.stderr)
                return 2
            print("report: " + ", ".join(str(p) for p in written.values()), file=sys.stderr)
        if old is not None:
            print("\n" + compare(old, run_))
        bars = {**(bars_for(name) if args.floors else {}), **parse_bars(args.min_bars, name)}
        violations += [f"{name}: {v}" for v in check_bars(run_.metrics, bars)]
        if args.floors and name in FLOORS and len(run_.results) < MIN_QUESTIONS.get(name, DEFAULT_MIN_QUESTIONS):
            violations.append(f"{name}: only {len(run_.results)} questions (a truncated file?)")
    table = side_by_side({n: r for n, (r, _) in runs.items()}, COLUMNS)
    print("\n## per question type\n\n" + table)
    if args.report and len(runs) > 1:
        try:
            (args.report / "side-by-side.md").write_text(f"# Per question type\n\n{table}\n", encoding="utf-8")
        except OSError as exc:
            print(f"错误: cannot write the report to {args.report}: {exc.strerror or exc}", file=sys.stderr)
            return 2
    if violations:
        print("\nquality bars missed:\n" + "\n".join(f"- {v}" for v in violations), file=sys.stderr)
        return 3
    return 0
