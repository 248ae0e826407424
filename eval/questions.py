"""Labelled question files (JSON Lines) and their validation against a parsed plan.

One object per line::

    {"id": "q001", "question": "...", "gold_clauses": ["四（二）3"], "answer_facts": ["97%|97％"],
     "answerable": true, "type": "numeric", "history": ["earlier question"], "note": "..."}

``history`` and ``note`` are optional. Validation collects every problem with its line number so a
file author can fix them all in one pass.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from knowledge.clause import Plan
from knowledge.departments import canonical_text
from knowledge.ids import canonical_id
from knowledge.library import document_id

#: Question types a file may use.
TYPES = (
    "factoid",
    "numeric",
    "responsibility",
    "list",
    "multi_clause",
    "paraphrase",
    "english",
    "unanswerable",
    "adversarial",
)

#: Separates accepted alternatives inside one answer fact.
ALTERNATIVE_SEPARATOR = "|"

_REQUIRED = {
    "id": str,
    "question": str,
    "gold_clauses": list,
    "answer_facts": list,
    "answerable": bool,
    "type": str,
}
_OPTIONAL = {"history": list, "note": str}
_BOM = "\ufeff"


@dataclass(frozen=True)
class Question:
    """One labelled question: what a correct answer must cite and contain."""

    id: str
    question: str
    gold_clauses: tuple[str, ...]  # canonical clause IDs; empty when unanswerable
    answer_facts: tuple[str, ...]  # each may hold alternatives separated by "|"
    answerable: bool
    type: str  # one of TYPES
    history: tuple[str, ...] = ()  # earlier user questions of the conversation, oldest first
    note: str = ""

    @property
    def facts_alternatives(self) -> list[list[str]]:
        """Each fact as its list of accepted alternatives: ["97%|97％"] → [["97%", "97％"]]."""
        return [_alternatives(fact) for fact in self.answer_facts]


class QuestionFileError(ValueError):
    """A question file with problems; ``problems`` lists all of them, e.g. "line 7: gold_clauses: …"."""

    def __init__(self, problems: list[str], valid: list[Question] | None = None) -> None:
        self.problems = list(problems)
        self.valid = list(valid or [])  # the lines that passed, for a run that keeps going
        shown = "\n".join(self.problems[:20])
        more = f"\n… and {len(self.problems) - 20} more" if len(self.problems) > 20 else ""
        super().__init__(f"{len(self.problems)} problem(s) in question file:\n{shown}{more}")


def default_questions_path() -> Path:
    """The bundled development set."""
    return Path(__file__).resolve().parent / "data" / "dev.jsonl"


def load_questions(path_or_text: str | Path | bytes, plan: Plan) -> list[Question]:
    """Parse and validate a question file; raise QuestionFileError listing every problem.

    A ``Path`` is read from disk, ``bytes`` are file content, and a ``str`` is file content when it
    is empty, spans lines or starts with "{" — otherwise it is taken as a path.
    """
    lines, problems = _read_lines(path_or_text)
    questions: list[Question] = []
    first_line_of_id: dict[str, int] = {}
    for number, line in lines:
        if not line.strip():
            continue
        question, line_problems = _parse_line(line, plan)
        if question is not None:
            if question.id in first_line_of_id:
                line_problems.append(
                    f"id: duplicate id '{question.id}' (first used on line {first_line_of_id[question.id]})"
                )
            else:
                first_line_of_id[question.id] = number
        problems.extend(f"line {number}: {p}" for p in line_problems)
        if question is not None and not line_problems:
            questions.append(question)
    if not problems and not questions:
        problems.append("file: no questions (the file is empty)")
    if problems:
        raise QuestionFileError(problems, questions)
    return questions


def check_file(path: str | Path, plan: Plan) -> list[str]:
    """Problems of a question file, empty when it is valid (for ``eval --check FILE``)."""
    try:
        load_questions(Path(path), plan)
    except QuestionFileError as error:
        return error.problems
    return []


def _alternatives(fact: str) -> list[str]:
    return [alt.strip() for alt in fact.split(ALTERNATIVE_SEPARATOR) if alt.strip()]


def _read_lines(source: str | Path | bytes) -> tuple[list[tuple[int, str]], list[str]]:
    """(line number, text) pairs plus problems; undecodable lines are reported, not returned."""
    if isinstance(source, str) and not _looks_like_content(source):
        source = Path(source)
    if isinstance(source, Path):
        try:
            source = source.read_bytes()
        except OSError as error:
            return [], [f"file: cannot read {source}: {error.strerror or error}"]
    if isinstance(source, str):
        return list(enumerate(source.removeprefix(_BOM).split("\n"), start=1)), []
    lines: list[tuple[int, str]] = []
    problems: list[str] = []
    for number, raw in enumerate(source.removeprefix(_BOM.encode()).split(b"\n"), start=1):
        try:
            lines.append((number, raw.decode("utf-8")))
        except UnicodeDecodeError as error:
            problems.append(
                f"line {number}: not valid UTF-8 (byte 0x{raw[error.start]:02x} at offset {error.start})"
            )
    return lines, problems


def _looks_like_content(text: str) -> bool:
    stripped = text.removeprefix(_BOM).strip()
    return not stripped or "\n" in stripped or stripped.startswith("{")


def _parse_line(line: str, plan: Plan) -> tuple[Question | None, list[str]]:
    """The line's question (None when it cannot be built) and the problems found in it."""
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as error:
        return None, [f"invalid JSON: {error.msg} (column {error.colno})"]
    except RecursionError:
        return None, ["invalid JSON: nested too deeply"]
    if not isinstance(obj, dict):
        return None, [f"expected a JSON object, got {_json_type(obj)}"]
    problems = _field_problems(obj)
    if problems:
        return None, problems
    gold, gold_problems = _canonical_gold(obj["gold_clauses"], plan)
    problems.extend(gold_problems)
    question = Question(
        id=obj["id"],
        question=obj["question"],
        gold_clauses=tuple(gold),
        answer_facts=tuple(obj["answer_facts"]),
        answerable=obj["answerable"],
        type=obj["type"],
        history=tuple(obj.get("history", ())),
        note=obj.get("note", ""),
    )
    problems.extend(_consistency_problems(question, plan, gold_complete=not gold_problems))
    return question, problems


def _field_problems(obj: dict[str, Any]) -> list[str]:
    problems = [f"missing field '{name}'" for name in _REQUIRED if name not in obj]
    problems += [f"unknown field '{name}'" for name in obj if name not in _REQUIRED and name not in _OPTIONAL]
    for name, expected in {**_REQUIRED, **_OPTIONAL}.items():
        if name in obj and not isinstance(obj[name], expected):
            problems.append(f"{name}: expected {_python_to_json(expected)}, got {_json_type(obj[name])}")
    for name in ("gold_clauses", "answer_facts", "history"):
        if isinstance(obj.get(name), list):
            problems += [
                f"{name}[{i}]: expected a string, got {_json_type(v)}"
                for i, v in enumerate(obj[name])
                if not isinstance(v, str)
            ]
    if isinstance(obj.get("id"), str) and not obj["id"].strip():
        problems.append("id: empty id")
    if isinstance(obj.get("question"), str) and not obj["question"].strip():
        problems.append("question: empty question")
    if isinstance(obj.get("type"), str) and obj["type"] not in TYPES:
        problems.append(f"type: unknown type '{obj['type']}' (expected one of {', '.join(TYPES)})")
    if isinstance(obj.get("history"), list):
        problems += [
            f"history[{i}]: empty question"
            for i, v in enumerate(obj["history"])
            if isinstance(v, str) and not v.strip()
        ]
    return problems


def _canonical_gold(raw_ids: list[str], plan: Plan) -> tuple[list[str], list[str]]:
    gold: list[str] = []
    problems: list[str] = []
    for raw in raw_ids:
        if "·" in raw:  # a document-qualified ID (南府办函2018-402·三（二）): it must name the evaluated plan
            doc_id, local = raw.split("·", 1)
            if doc_id.strip() != document_id(plan, set()):
                problems.append(f"gold_clauses: '{raw}' names document '{doc_id}', not the evaluated plan "
                                f"'{document_id(plan, set())}'")
                continue
            raw = local.strip()
        cid = _canonical(raw, plan)
        if cid is None:
            problems.append(f"gold_clauses: unknown clause ID '{raw}'")
        elif cid in gold:
            problems.append(f"gold_clauses: clause ID '{raw}' listed twice")
        else:
            gold.append(cid)
    return gold, problems


def _canonical(raw: str, plan: Plan) -> str | None:
    try:
        cid = canonical_id(raw, plan)
    except (LookupError, ValueError):  # unknown or malformed IDs, whichever way ids signals them
        return None
    return cid if cid is not None and cid in plan else None


def _consistency_problems(question: Question, plan: Plan, gold_complete: bool) -> list[str]:
    problems: list[str] = []
    if question.answerable and not question.gold_clauses and gold_complete:
        problems.append("gold_clauses: an answerable question needs at least one gold clause")
    if not question.answerable:
        if question.gold_clauses:
            problems.append("gold_clauses: an unanswerable question must have no gold clauses")
        if question.answer_facts:
            problems.append("answer_facts: an unanswerable question must have no answer facts")
    if question.type == "unanswerable" and question.answerable:
        problems.append("answerable: type 'unanswerable' requires answerable false")
    for fact in question.answer_facts:
        if not _alternatives(fact):
            problems.append(f"answer_facts: empty fact '{fact}'")
    if question.answerable and question.gold_clauses and gold_complete:
        # Department names as the assistant writes them ("市编办") count where the plan says "编办".
        texts = [canonical_text(plan.full_text(cid)) for cid in question.gold_clauses]
        where = "、".join(question.gold_clauses)
        for fact in question.answer_facts:
            alternatives = _alternatives(fact)
            if alternatives and not any(canonical_text(alt) in text for alt in alternatives for text in texts):
                problems.append(f"answer_facts: '{fact}' not found in the text of {where}")
    return problems


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    return {str: "a string", list: "an array", dict: "an object"}.get(type(value), type(value).__name__)


def _python_to_json(kind: type) -> str:
    return {str: "a string", list: "an array", bool: "a boolean"}[kind]
