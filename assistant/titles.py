"""Clauses a question names by their titles ("在组织领导和督导考核方面": 五（一）, 五（四）)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from assistant.coverage import best_of_clauses
from assistant.facets import FRAMING_WORDS
from assistant.selection import Scored, plan_order, share
from knowledge.clause import Clause, Plan
from knowledge.glossary import chinese_terms

# The verbs that open a clause title ("加强组织领导", "进一步优化职业教育布局结构"): the rest names it.
_TITLE_VERB = re.compile(r"^(进一步|全面|积极|努力|大力|加快|深入|切实)?(加强|强化|深化|加大|实施|推进|推动|提升|提高|扩大|"
                         r"优化|促进|实现|探索建立|建立|完善|营造|坚持|保障|发展|改善|打造)")
#: A title's name this long or longer, found word for word in a question, names that clause.
TITLE_MIN_CHARS = 4


def title_names(plan: Plan) -> list[tuple[str, str]]:
    """(name, clause id) of each clause without sub-clauses, named by its title without the opening
    verbs: 组织领导 (五（一）), 教育投入 (五（二）), 继续教育 (四（四）4)."""
    out = []
    for clause in plan:
        if clause.level in ("notice", "preamble") or plan.children(clause.id):
            continue
        name = _without_verbs(clause.title.rstrip("。 "))
        if len(name) >= TITLE_MIN_CHARS:
            out.append((name, clause.id))
    return out


def _without_verbs(title: str) -> str:
    """A title without its opening verbs ("进一步优化职业教育布局结构" → 职业教育布局结构)."""
    for _ in range(3):
        title = _TITLE_VERB.sub("", title)
    return title


#: The nouns that end a part's title ("…普及普惠工程"): the name is what comes before.
_TITLE_NOUN = re.compile(r"(工程|计划|行动)?[。.]?$")
#: A stretch of a part's name this long, found in a question, names that part ("义务教育", "普通高中").
SCOPE_MIN_CHARS = 4


def part_names(plan: Plan) -> list[str]:
    """The names of the plan's parts and subsections that have sub-clauses, without the opening verbs
    and the closing noun: 学前教育普及普惠 (四（一）), 普通高中优质普及 (四（三）), 组织领导 …"""
    return [name for name, _ in named_parts(plan)]


def named_parts(plan: Plan) -> list[tuple[str, str]]:
    """(name, clause ID) of each name ``part_names`` gives."""
    out = []
    for clause in plan:
        if clause.level not in ("part", "subsection") or not plan.children(clause.id):
            continue
        name = _without_verbs(_TITLE_NOUN.sub("", clause.title.strip()))
        if len(name) >= SCOPE_MIN_CHARS:
            out.append((name, clause.id))
    return out


def scope_finder(names: Sequence[str]) -> Callable[[str], list[str]]:
    """A finder of the stretches of a text that name a part of the plan: the longest stretches of
    SCOPE_MIN_CHARS or more characters found word for word in one of ``names``, in text order."""
    def find(text: str) -> list[str]:
        found: list[str] = []
        start = 0
        while start <= len(text) - SCOPE_MIN_CHARS:
            end = start + SCOPE_MIN_CHARS
            if not any(text[start:end] in n for n in names):
                start += 1
                continue
            while end < len(text) and any(text[start : end + 1] in n for n in names):
                end += 1
            found.append(text[start:end])
            start = end
        return found

    return find


def cover_titles(chosen: list[Scored], candidates: Sequence[Scored], clause_ids: Sequence[str],
                 plan: Plan) -> list[Scored]:
    """Add the best sentence of each clause the question names by its title ("在组织领导和督导考核方面
    分别…") when no chosen sentence is from it: the plan's own heading says where that part is."""
    return best_of_clauses(chosen, candidates, clause_ids, plan)


#: An item of a list names a part of the plan when its words, this many characters or more, are in
#: the title of exactly one part or subsection ("学前" → 实施学前教育普及普惠工程).
PLACE_MIN_CHARS = 2
#: Within a part the question names, a sentence covering this share of the list's subject answers for
#: it: the question has said where to look, so one rare word of the subject (督导 of 教育督导 … 要求) will do.
PLACE_COVERAGE = 0.3


def part_titles(plan: Plan) -> list[tuple[str, str]]:
    """(clause id, title) of each part and subsection: the places a list's items may name."""
    return [(c.id, c.title) for c in plan if c.level in ("part", "subsection")]


def named_places(items: Sequence[str], parts: Sequence[tuple[str, str]]) -> list[str]:
    """The parts of the plan (``part_titles``) the items of a list name by a stretch of their titles,
    one per item that names exactly one ("教育督导在学前、义务教育和保障措施几部分": 四（一）, 四（二）, 五)."""
    out = []
    for item in items:
        words = item.strip().rstrip("中里内上")  # "在主要任务中"
        found = [cid for cid, title in parts if words in title] if len(words) >= PLACE_MIN_CHARS else []
        if len(found) == 1 and found[0] not in out:
            out.append(found[0])
    return out


def subject_words(subject: str) -> str:
    """A list's shared subject without the words that frame it: "宣传方面 方案 要求宣传" → 宣传."""
    return FRAMING_WORDS.sub(" ", subject)


def cover_places(chosen: list[Scored], candidates: Sequence[Scored], places: Sequence[str],
                 subject: dict[str, float], plan: Plan) -> list[Scored]:
    """For each part a list names, its sentence that covers most of the subject the list shares, when
    no chosen sentence from that part covers PLACE_COVERAGE of it: "督导" in the 学前 part is the
    kindergartens' 办园行为督导评估, however much better the other parts' sentences score."""
    out = list(chosen)
    for place in places:
        inside = {c.id for c in plan.descendants(place)} | {place}
        if any(share(s, subject) >= PLACE_COVERAGE for s in out if s.chunk.clause_id in inside):
            continue
        own = [s for s in candidates if s.chunk.clause_id in inside]
        best = max(own, key=lambda s: (share(s, subject), s.score), default=None)
        if best is not None and share(best, subject) >= PLACE_COVERAGE and best not in out:
            out.append(best)
    return sorted(out, key=lambda s: plan_order(plan, s.chunk))


# "在教师队伍建设中", "教育信息化工作中", "职业教育相关的任务中": where something happens, with no title noun.
_WITHIN_PART = re.compile(r"在([^，,。？?！!在]{4,14}?)(?:工作)?(?:中|里面|里|内)|"
                          r"(?:^|[，,。？?！!])([^，,。？?！!在]{4,14}?)(?:相关)?的?(?:工作|任务|领域)(?:中|里面|里)")
_EN_PART = re.compile(r"\b(?:within|in|under|of|for)\s+the\s+([a-z' -]{4,60}?)\s+(?:project|programme|program|tasks)\b", re.I)


def named_within(text: str, headed: Sequence[Clause], items: Sequence[Clause]) -> list[tuple[str, str]]:
    """The parts a text names where something happens, each (clause ID, name): the longest stretch of
    the name, SCOPE_MIN_CHARS or more, that one title holds word for word (教师队伍 → 实施教师队伍提质增量
    工程); a 工程's title first, an item's only when no 工程's holds any of it ("在特殊教育中": 四（九）2)."""
    found = []
    for match in _WITHIN_PART.finditer(text):
        name = match.group(1) or match.group(2)
        # longest first, then leftmost: the same answer on every run
        stretches = [name[i : i + n] for n in range(len(name), SCOPE_MIN_CHARS - 1, -1) for i in range(len(name) - n + 1)]
        for titled in (headed, items):
            holder = next((h[0] for s in stretches if len(h := [c.id for c in titled if s in c.title]) == 1), "")
            if holder:
                found.append((holder, name))
                break
    return found


def named_in_english(text: str, headed: Sequence[Clause]) -> list[tuple[str, str]]:
    """The 工程 an English text names ("within the preschool education project"): the plan term of the
    name that exactly one 工程's title holds, each (clause ID, phrase)."""
    found = []
    for match in _EN_PART.finditer(text):
        terms = sorted(chinese_terms(match.group(1)), key=len, reverse=True)
        holder = next((h[0] for t in terms if len(h := [c.id for c in headed if t in c.title]) == 1), "")
        if holder:
            found.append((holder, match.group(0)))
    return found
