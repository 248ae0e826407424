"""Which years a sentence is about, and answering a question about a year from that year's sentences."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from assistant.context import whole_sentence
from assistant.selection import MAX_SENTENCES, Scored, plan_order
from knowledge.chunks import Chunk
from knowledge.clause import Plan
from knowledge.scanners import YEAR_RANGE

_DATE = re.compile(r"(20\d\d)\s*年")
#: How far below the best sentence one dated to an asked year may be and still go first (dev sets:
#: 0.1–0.3 measure the same; always preferring it loses on dev and dev2).
YEAR_MARGIN = 0.2


def dated(chunk: Chunk, siblings: Sequence[Chunk]) -> set[str]:
    """The years a sentence is about: its own, or those opening its enumeration ("2019年，…；…；
    南宁学院持续推进…。": the last part is a 2019 target too). A span ("2018—2020年", the plan's period)
    dates nothing, nor does a document number ("桂政发〔2018〕5号")."""
    own = set(_DATE.findall(YEAR_RANGE.sub("", chunk.sentence)))
    if own:
        return own
    return set(_DATE.findall(YEAR_RANGE.sub("", whole_sentence(chunk, siblings)[0].sentence)))


def year_first(content: Sequence[Scored], years: set[str], dates: Callable[[Chunk], set[str]]
               ) -> tuple[list[Scored], list[Scored]]:
    """(candidates, figure pool) for a question about ``years``.

    A sentence dated to other years answers another question, so it goes. The best sentence stays
    unless one of the asked years is nearly as good (YEAR_MARGIN): the 2019 rate must not come from
    the 2018 line because that line scored a little higher. A figure must come from the best sentences
    of the asked years when there are such (another year's figure does not answer), else from the best.
    """
    if not content or not years:
        return list(content), list(content)
    top = content[0].score
    fitting = [s for s in content if not (d := dates(s.chunk)) or d & years]
    near = bool(fitting) and fitting[0].score >= top - YEAR_MARGIN
    ordered = fitting if near else [content[0], *fitting]
    pool = [s for s in ordered if years & dates(s.chunk) and s.score >= top - YEAR_MARGIN] or ordered
    return ordered, pool


#: A list asked for a year ("2019年要完成哪些目标") hears from each clause with a sentence dated to that
#: year within DATED_MARGIN of the best sentence: the year is the subject, not a word among others.
DATED_MARGIN = 0.5


def cover_dated(chosen: list[Scored], candidates: Sequence[Scored], years: set[str],
                dates: Callable[[Chunk], set[str]], plan: Plan) -> list[Scored]:
    """Add the best sentence dated to an asked year of each clause no chosen sentence is from."""
    if not candidates or not years:
        return list(chosen)
    out = list(chosen)
    have = {s.chunk.clause_id for s in out}
    top = candidates[0].score
    for s in candidates:
        if len(out) >= MAX_SENTENCES + 2 or top - s.score > DATED_MARGIN:
            break
        if s.chunk.clause_id not in have and dates(s.chunk) & years:
            out.append(s)
            have.add(s.chunk.clause_id)
    return sorted(out, key=lambda s: plan_order(plan, s.chunk))
