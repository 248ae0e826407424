"""Checks a model's answer sentence by sentence against the clauses it cites (the LLM composer's gate).

A sentence is kept only when:
- it cites at least one clause, and only clauses of the evidence the model was given;
- every figure in it (numbers, percentages, years, counts such as 七大 or 一批) occurs in a cited clause;
- every quoted span (“…”, 「…」, 《…》) occurs verbatim in a cited clause;
- every department it names is in a cited clause's text or among its 组织/具体实施单位;
- it is in the question's language;
- it says what a cited clause says: a Chinese sentence shares at least SUPPORT of its character
  pairs with the cited text, an English one names at least one thing (a figure, a department, a
  quote, a plan term its words translate to) that the cited text has;
- all its figures stand together in one sentence of a cited clause ("2019年…97%" takes 97% from
  2020's sentence: both figures are in the clause, but not together);
- it does not repeat the instructions (a small model copies the system prompt back).
Everything else is dropped with its reason. Nothing here trusts the model.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from knowledge.departments import find_departments
from knowledge.glossary import chinese_terms
from knowledge.ids import canonical_id

_SENTENCE = re.compile(r"(.+?)((?:\s*【[^】]{1,40}】)+)\s*[。．.!！?？；;]?", re.S)
_ID_SPLIT = re.compile(r"[、,，;；/\s]+")
_FIGURE = re.compile(
    r"\d+(?:\.\d+)?\s*%|\d+(?:\.\d+)?|[一二两三四五六七八九十百千万]+(?=[大个所项批类支名年亿万])[大个所项批类支名年亿万]"
)
_QUOTED = re.compile(r"“([^”]{1,80})”|「([^」]{1,80})」|《([^》]{1,80})》|\"([^\"]{1,80})\"")
_BULLET = re.compile(r"^(?:[-*•·]|\d{1,2}[.、)）]|[（(]\d{1,2}[)）])\s*")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
_PIECE = re.compile(r"[。；;！？\n]")
#: Share of a Chinese sentence's character pairs that must occur in the clauses it cites. A faithful
#: sentence reuses the plan's wording ("2019年学前三年毛入园率的目标是达到96.5%" shares 9 of 14);
#: a made-up one ("计划不再建设幼儿园，毛入园率降至96%") or a copied instruction does not.
SUPPORT = 0.5
_LATIN = re.compile(r"[A-Za-z]")


@dataclass(frozen=True)
class Evidence:
    """A clause the model may cite: its text and its departments."""

    clause_id: str
    title: str
    text: str
    departments: frozenset[str]  # canonical names: its 组织/具体实施单位 and those its text names


@dataclass(frozen=True)
class Sentence:
    text: str  # the sentence without its markers
    clause_ids: tuple[str, ...]

    def rendered(self) -> str:
        body = self.text.rstrip("。．.!！?？；; ")
        return body + ("." if _LATIN.search(body[-1:] or "") else "。") + "".join(f"【{c}】" for c in self.clause_ids)


@dataclass(frozen=True)
class Dropped:
    text: str
    reason: str  # in Chinese, for the report and the UI


def split(answer: str) -> tuple[list[Sentence], list[str]]:
    """The cited sentences of a model's answer, and the text that cites nothing."""
    sentences, uncited, end = [], [], 0
    for match in _SENTENCE.finditer(answer):
        ids = tuple(dict.fromkeys(
            part.strip() for marker in re.findall(r"【([^】]*)】", match.group(2))
            for part in _ID_SPLIT.split(marker) if part.strip()))
        body = _BULLET.sub("", match.group(1).strip()).strip()
        if body:
            sentences.append(Sentence(body, ids))
        end = match.end()
    rest = answer[end:].strip()
    if rest:
        uncited.append(rest)
    return sentences, uncited


def verify(answer: str, evidence: Mapping[str, Evidence], english: bool,
           instructions: str = "") -> tuple[list[Sentence], list[Dropped]]:
    """The sentences that pass every check, and the dropped ones with their reason. ``instructions``:
    the system prompt, which a sentence must not repeat."""
    sentences, uncited = split(answer)
    kept: list[Sentence] = []
    dropped = [Dropped(text, "未注明依据条款") for text in uncited if len(text) > 1]
    for sentence in sentences:
        reason = _problem(sentence, evidence, english) or _unsupported(sentence, evidence, english, instructions)
        if reason:
            dropped.append(Dropped(sentence.text, reason))
        else:
            ids = tuple(canonical_id(c) or c for c in sentence.clause_ids)
            kept.append(Sentence(sentence.text, ids))
    return kept, dropped


def _problem(sentence: Sentence, evidence: Mapping[str, Evidence], english: bool) -> str:
    if not sentence.clause_ids:
        return "未注明依据条款"
    cited = []
    for raw in sentence.clause_ids:
        clause_id = canonical_id(raw)
        if clause_id is None or clause_id not in evidence:
            return f"引用了检索证据之外的条款 {raw}"
        cited.append(evidence[clause_id])
    # One clause per line: a figure or quote must not be found across the seam of two clauses.
    text = "\n".join(e.text for e in cited)
    figures = [f.replace(" ", "") for f in _FIGURE.findall(sentence.text)]
    for figure in figures:
        if figure not in text:
            return f"数字“{figure}”不在所引条款中"
    if len(figures) > 1 and not any(all(f in piece for f in figures) for piece in _PIECE.split(text)):
        return f"数字“{'、'.join(figures)}”不在所引条款的同一句中"
    for groups in _QUOTED.findall(sentence.text):
        quoted = next(g for g in groups if g)
        if quoted not in text:
            return f"引文“{quoted}”不是所引条款的原文"
    # Compared by canonical name, so an abbreviation (人社局) matches the plan's full name.
    for department in find_departments(sentence.text):
        if not any(department in e.departments for e in cited):
            return f"所引条款未提及“{department}”"
    cjk, latin = len(_CJK.findall(sentence.text)), len(_LATIN.findall(sentence.text))
    if english and latin < 3:
        return "回答语言与问题不一致"
    if not english and latin > cjk:
        return "回答语言与问题不一致"
    return ""


def _unsupported(sentence: Sentence, evidence: Mapping[str, Evidence], english: bool, instructions: str) -> str:
    """Why the sentence does not say what its clauses say, or ""."""
    cited = [evidence[c] for c in (canonical_id(r) for r in sentence.clause_ids) if c in evidence]
    text = "".join(f"{e.title}\n{e.text}" for e in cited)
    pairs = _pairs(sentence.text)
    echoed = _share(pairs, instructions) if instructions and pairs else 0.0
    if echoed >= SUPPORT and echoed > _share(pairs, text):
        return "复述了系统指令"
    if english:
        anchors = [*_FIGURE.findall(sentence.text), *chinese_terms(sentence.text),
                   *(g for groups in _QUOTED.findall(sentence.text) for g in groups if g)]
        named = find_departments(sentence.text)
        if not any(a.replace(" ", "") in text for a in anchors) and not any(
                d in e.departments for d in named for e in cited):
            return "没有可与所引条款核对的内容"
        return ""
    if pairs and _share(pairs, text) < SUPPORT:
        return "与所引条款的内容不符"
    return ""


def _pairs(text: str) -> list[str]:
    return [run[i : i + 2] for run in _CJK_RUN.findall(text) for i in range(len(run) - 1)]


def _share(pairs: list[str], text: str) -> float:
    return sum(1 for p in pairs if p in text) / len(pairs)


class Shown:
    """Streaming: verifies each sentence once it is complete and reports the verified ones so far.

    A sentence is complete when text follows its last 【…】 marker (another marker or a final 。 may
    still come until then). Only verified sentences are ever reported; the final answer is decided
    on the whole text and may still fall back.
    """

    def __init__(self, evidence: Mapping[str, Evidence], english: bool, report: Callable[[str], None],
                 instructions: str = "") -> None:
        self.evidence, self.english, self.report = evidence, english, report
        self.instructions = instructions
        self.complete = 0  # complete sentences seen so far
        self.kept = 0  # of them, verified

    def update(self, text: str, final: bool = False) -> None:
        """``final``: the model has finished, so its last sentence is complete too."""
        ends = [m.end() for m in _SENTENCE.finditer(text)]
        if ends and not final and not text[ends[-1]:].strip():
            ends.pop()  # the last one may not be finished
        if len(ends) <= self.complete:
            return
        self.complete = len(ends)
        kept, _ = verify(text[: ends[-1]], self.evidence, self.english, self.instructions)
        if len(kept) > self.kept:
            self.kept = len(kept)
            self.report("\n".join(s.rendered() for s in kept))
