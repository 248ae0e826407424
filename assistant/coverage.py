"""What a list or an overview adds to the selected sentences: each part of the question gets its answer.

assistant.selection picks the best sentences and their near-equals; a question with several parts
("学生怎么评、老师怎么评", "残疾孩子上幼儿园、读高职") needs more: each sub-topic's sentence wherever it
is, each piece's own best sentence, each facet's sentence within a chosen clause, each of the best
retrieved clauses, every mention of a named institution, and a chosen clause's next-best sentences.
All of them keep to the caps of assistant.selection and return sentences in plan order.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from assistant.selection import MAX_SENTENCES, PER_CLAUSE, Scored, SentenceScorer, plan_order, share
from knowledge.chunks import Chunk
from knowledge.clause import Plan


def covering(scorer: SentenceScorer, topic: str, chunks: Iterable[Chunk]) -> list[Chunk]:
    """The sentences that cover a topic (SUBTOPIC_COVERAGE of its idf-weighted words, two of its
    distinctive ones when it has two), best first; by wording alone, for a topic without a question."""
    weights = scorer.weights(topic)
    if not weights:
        return []
    scored = [Scored(c, 0.0, frozenset(t for t in weights if t in scorer.tokens(c.id))) for c in chunks]
    found = [(s.chunk, _topic_share(s, weights)) for s in scored]
    return [c for c, v in sorted(found, key=lambda p: -p[1]) if v >= SUBTOPIC_COVERAGE]


#: A sub-topic of a question: a stretch between punctuation or conjunctions with at least this many
#: distinctive words (idf ≥ DISTINCT_IDF, i.e. in fewer than about one sentence in six).
SUBTOPIC_WORDS = 2
DISTINCT_IDF = 2.0
#: A sentence answers a sub-topic when it covers this share of the sub-topic's (idf-weighted) words.
SUBTOPIC_COVERAGE = 0.6
_SEGMENT = re.compile(r"[，,。？?；;、：:！!]|以及|还有|和|与|及|跟|或者|或")


def subtopics(scorer: SentenceScorer, question: str) -> list[dict[str, float]]:
    """The word weights of each sub-topic of a question ("留守儿童，轮岗，班额" → three)."""
    out = []
    for segment in _SEGMENT.split(question):
        weights = scorer.weights(segment)
        if sum(1 for w in weights.values() if w >= DISTINCT_IDF) >= SUBTOPIC_WORDS:
            out.append(weights)
    return out if len(out) > 1 else []


def cover_subtopics(
    chosen: list[Scored], candidates: Sequence[Scored], topics: list[dict[str, float]], plan: Plan
) -> list[Scored]:
    """Add, for each sub-topic no chosen sentence answers, the candidate that answers it best."""
    out = list(chosen)
    for weights in topics:
        if any(_topic_share(s, weights) >= SUBTOPIC_COVERAGE for s in out) or len(out) >= MAX_SENTENCES + 2:
            continue
        best = max(candidates, key=lambda s, w=weights: (_topic_share(s, w), s.score), default=None)
        if best is not None and _topic_share(best, weights) >= SUBTOPIC_COVERAGE and best not in out:
            out.append(best)
    return sorted(out, key=lambda s: plan_order(plan, s.chunk))


def _topic_share(scored: Scored, weights: dict[str, float]) -> float:
    """How much of a sub-topic a sentence covers; one rare word is not the whole sub-topic, so two of
    its distinctive words must be there."""
    distinct = {t for t, w in weights.items() if w >= DISTINCT_IDF}
    if len(scored.covered & distinct) < min(2, len(distinct)):
        return 0.0
    return share(scored, weights)


#: A piece of a question is its own sub-topic when its best sentence scores this high on its own
#: retrieval (the scorer's scale: 1 is a sentence best on every leg); lower, it is framing ("方案分别怎么说").
#: (Tuning sets dev…dev12: 0.8 → 0.7 gains 2 questions and loses none for ≤1 % longer answers; 0.6 gains
#: 2 more and loses 1, for 1–3 %.)
SEGMENT_MIN = 0.7
SEGMENT_PER = 2


def segments(text: str) -> list[str]:
    """The pieces of a question between punctuation and conjunctions: its candidate sub-topics."""
    return [s for s in _SEGMENT.split(text) if s.strip()]


_STRONG = re.compile(r"[，,。？?；;：:！!]")
_JOINS = re.compile(r"、|以及|还有|和|与|及|跟|或者|或")


def facet_queries(text: str, has_topic: Callable[[str], bool], idf: dict[str, float]) -> list[str]:
    subject, items = facet_parts(text, has_topic, idf)
    return [f"{subject} {i}" for i in items]


def facet_parts(text: str, has_topic: Callable[[str], bool], idf: dict[str, float]) -> tuple[str, list[str]]:
    """The pieces of a list question, each with the question's subject: "大班额的问题，义务教育和普通高中
    分别…" → "大班额 义务教育", "大班额 普通高中分别…". The items of an enumeration (、 和 与) are the
    facets; the clauses before it that name a topic are the subject every facet shares, by their
    distinctive words only ("家里有残疾孩子的话" → 残疾). (A clause after it frames: "方案分别怎么说".)"""
    clauses = [c for c in _STRONG.split(text) if c.strip()]
    if not clauses:
        return "", []
    lists = [_items(c) for c in clauses]
    # An enumeration: two items that name a topic, or three items with 、 between them or along a range
    # (common words such as 义务教育 name no topic on their own, but listed they are the facets).
    lists = [items if sum(1 for i in items if has_topic(i)) > 1
             or (("、" in c or _RANGE.search(c)) and len(items) > 2) else []
             for c, items in zip(clauses, lists, strict=True)]
    first = next((k for k, items in enumerate(lists) if items), 0)
    subject = " ".join(_distinctive(c, idf) for c in clauses[:first] if has_topic(c)).strip()
    items = []
    if lists[first]:  # the words around an enumeration inside its clause are shared too
        trimmed, around = _enumeration(lists[first])
        subject = f"{subject} {_distinctive(around, idf)}".strip()
        items = trimmed if around else [i for i in trimmed if has_topic(i)]
    items += [i for group in lists[first + 1 :] for i in group if has_topic(i)]
    if not items or not subject:
        return "", []
    return subject, items


# A range's stations are items too: "从上幼儿园、读书到学技能", "从幼儿园到义务教育再到学门手艺" (a year
# after 到 is a date, not a station).
_RANGE = re.compile(r"从.+到(?!\d)")
_STATIONS = re.compile(r"再到|到(?!\d)")


def _items(clause: str) -> list[str]:
    items = [i for i in _JOINS.split(clause) if i.strip()]
    if _RANGE.search(clause):
        items = [p for i in items for p in _STATIONS.split(i) if p.strip()]
    return items


# Where an enumeration starts inside a clause ("督导在|学前、…") and where it ends ("保障措施|几部分分别…").
_BEFORE_ITEMS = re.compile(r".*(?:在|对|从|于|给)")
_FRAMING = re.compile(r"分别|各自")
_AFTER_ITEMS = re.compile(r"(?:(?:方案|计划|文件|规划|其)[里中]|这|[两几二三四五]?(?:个|项)?(?:部分|方面|阶段|学段|领域)|分别|各自|都).*")


def _enumeration(items: list[str]) -> tuple[list[str], str]:
    """The items of an enumeration without the words of its clause around it, and those words:
    "教育督导在学前、义务教育和保障措施几部分分别有哪些要求" → [学前, 义务教育, 保障措施] and
    "教育督导在 几部分分别有哪些要求"."""
    before = _BEFORE_ITEMS.match(items[0])
    # The enumeration ends where the framing starts, and what follows it is framing too ("信息化分别提了
    # 什么制度或做法": 信息化 is the last item, 做法 is not one).
    last = next((k for k, item in enumerate(items) if k > 0 and _FRAMING.search(item)), len(items) - 1)
    items = items[: last + 1]
    after = _AFTER_ITEMS.search(items[-1])
    if before is None and after is None:
        return items, ""
    head = before.group(0) if before else ""
    tail = after.group(0) if after else ""
    trimmed = [items[0][len(head):], *items[1:-1], items[-1][: len(items[-1]) - len(tail)]]
    if not all(i.strip() for i in trimmed):
        return items, ""
    return trimmed, f"{head} {tail}"


def _distinctive(text: str, idf: dict[str, float]) -> str:
    """The stretches of a text made of distinctive plan bigrams (idf ≥ DISTINCT_IDF), space-joined."""
    keep = [False] * len(text)
    for i in range(len(text) - 1):
        if idf.get(text[i : i + 2], 0.0) >= DISTINCT_IDF:
            keep[i] = keep[i + 1] = True
    return " ".join(m for m in "".join(ch if k else " " for ch, k in zip(text, keep, strict=True)).split())


def cover_segments(chosen: list[Scored], pieces: Sequence[str], ranked_for: Callable[[str], Sequence[Scored]],
                   plan: Plan) -> list[Scored]:
    """Add, for each piece, its SEGMENT_PER best sentences by its own retrieval that score SEGMENT_MIN
    and are not chosen yet: a sub-topic worded unlike the plan has no words to cover, but its own
    retrieval finds it. (A piece whose words a chosen sentence covers still gets its retrieval: shared
    words such as 交流 do not make the same sub-topic.)"""
    out = list(chosen)
    for piece in pieces:
        added = 0
        for best in ranked_for(piece):
            if len(out) >= MAX_SENTENCES + 2 or added >= SEGMENT_PER or best.score < SEGMENT_MIN:
                break
            if best.chunk not in {s.chunk for s in out}:
                out.append(best)
                added += 1
    return sorted(out, key=lambda s: plan_order(plan, s.chunk))


def cover_names(
    chosen: list[Scored], candidates: Sequence[Scored], chunk_ids: Sequence[str], plan: Plan
) -> list[Scored]:
    """Add the sentences that name what the question is about ("对南宁学院分别提了什么要求"), best
    first, within the caps: each clause that names it gets a say."""
    out = list(chosen)
    wanted = set(chunk_ids)
    for candidate in candidates:
        if len(out) >= MAX_SENTENCES + 2:
            break
        if candidate.chunk.id not in wanted or candidate in out:
            continue
        if sum(1 for s in out if s.chunk.clause_id == candidate.chunk.clause_id) > PER_CLAUSE:
            continue
        out.append(candidate)
    return sorted(out, key=lambda s: plan_order(plan, s.chunk))


#: A list or an overview hears from each of the TOP_CLAUSES best retrieved clauses whose best sentence
#: scores within CLAUSE_MARGIN of the best one. A question with several facets ("学生怎么评、老师怎么评")
#: has each facet's clause retrieved, but its sentences cover only their own facet's words, so they
#: trail the best one by more than LIST_MARGIN. (Measured on the tuning sets: 4 and 0.45–0.5 gain the
#: same; 3 or 0.4 gain less; 0.6 adds length for nothing.)
TOP_CLAUSES = 4
CLAUSE_MARGIN = 0.45


def cover_clauses(chosen: list[Scored], scored: Sequence[Scored], ranking: Sequence[str], plan: Plan) -> list[Scored]:
    """Add the best sentence of each of the TOP_CLAUSES retrieved clauses (``ranking``, best first)
    that no chosen sentence is from, when it is within CLAUSE_MARGIN of the best sentence."""
    if not scored:
        return list(chosen)
    top = scored[0].score
    return best_of_clauses(chosen, scored, list(dict.fromkeys(ranking))[:TOP_CLAUSES], plan,
                           lambda best: top - best.score <= CLAUSE_MARGIN)


def best_of_clauses(chosen: list[Scored], candidates: Sequence[Scored], clause_ids: Sequence[str], plan: Plan,
                    accept: Callable[[Scored], bool] = lambda _best: True) -> list[Scored]:
    """Add the best candidate of each clause no chosen sentence is from, when ``accept`` takes it."""
    out = list(chosen)
    have = {s.chunk.clause_id for s in out}
    for clause_id in clause_ids:
        best = next((s for s in candidates if s.chunk.clause_id == clause_id), None)
        if clause_id not in have and best is not None and accept(best):
            out.append(best)
            have.add(clause_id)
    return sorted(out, key=lambda s: plan_order(plan, s.chunk))


#: Within a chosen clause, the sentence that covers this share of a facet's words joins (a facet a
#: chosen sentence of that clause covers already brings nothing).
FACET_COVERAGE = 0.6


def cover_facets(chosen: list[Scored], candidates: Sequence[Scored], facets: list[dict[str, float]],
                 plan: Plan) -> list[Scored]:
    """For each facet of the question (the word weights of one of its pieces) and each clause already
    chosen, the clause's sentence that covers the facet best, when no chosen sentence of that clause
    covers it: the right clause's other sentence ("分层走班教学" beside "选课走班所需校舍")."""
    out = list(chosen)
    for clause_id in dict.fromkeys(s.chunk.clause_id for s in chosen):
        own = [s for s in candidates if s.chunk.clause_id == clause_id]
        for weights in facets:
            if len(out) >= MAX_SENTENCES + 4:
                break
            if any(share(s, weights) >= FACET_COVERAGE for s in out if s.chunk.clause_id == clause_id):
                continue
            best = max(own, key=lambda s, w=weights: (share(s, w), s.score), default=None)
            if best is not None and share(best, weights) >= FACET_COVERAGE and best not in out:
                out.append(best)
    return sorted(out, key=lambda s: plan_order(plan, s.chunk))


def cover_each_facet(chosen: list[Scored], candidates: Sequence[Scored], facets: list[dict[str, float]],
                           plan: Plan) -> list[Scored]:
    """For each facet of the question that no chosen sentence covers, the candidate that covers it best,
    when it covers FACET_COVERAGE of it: "随迁子女和特殊教育分别…" hears from both clauses, however much
    better the first one scores on the whole question."""
    out = list(chosen)
    for weights in facets:
        if any(share(s, weights) >= FACET_COVERAGE for s in out):
            continue
        best = max(candidates, key=lambda s, w=weights: (share(s, w), s.score), default=None)
        if best is not None and share(best, weights) >= FACET_COVERAGE and best not in out:
            out.append(best)
    return sorted(out, key=lambda s: plan_order(plan, s.chunk))


#: A list's chosen clause also gives its sentences within DEEPEN of its own best chosen one, up to
#: DEEP_PER from the clause and DEEP_CAP in all: a clause chosen for one facet scores lower than the
#: best clause, so its second sentence trails the global best by more than LIST_MARGIN though it says
#: as much as the first. (Tuning sets dev2–dev6, 371 questions: 0.15/3/12 → 0.4/3/14 gains 5 questions
#: and loses none, for 10–21 % longer answers; 0.3/4 gains 3, 0.5/5 gains 7 for 23–42 %; a whole
#: clause gains 10 and doubles the length. Later, on dev … dev12: DEEP_PER 3 → 4 gains 6 and loses 1
#: for 1–4 % longer answers; DEEPEN 0.5 beside it gains 2 more and loses 2, for 5–10 %.)
DEEPEN = 0.4
DEEP_PER = 4
DEEP_CAP = MAX_SENTENCES + 6


def deepen(chosen: list[Scored], candidates: Sequence[Scored], plan: Plan) -> list[Scored]:
    """Add each chosen clause's next-best candidates, within DEEPEN of its best chosen sentence."""
    out = list(chosen)
    for clause_id in dict.fromkeys(s.chunk.clause_id for s in chosen):
        mine = [s for s in out if s.chunk.clause_id == clause_id]
        top = max(s.score for s in mine)
        for candidate in candidates:  # best first
            if len(out) >= DEEP_CAP or len(mine) >= DEEP_PER or top - candidate.score > DEEPEN:
                break
            if candidate.chunk.clause_id == clause_id and candidate not in out:
                out.append(candidate)
                mine.append(candidate)
    return sorted(out, key=lambda s: plan_order(plan, s.chunk))


#: A term of the question the plan uses in at most RARE_SENTENCES sentences ("港澳台", "教学点") is what
#: a list question is about wherever it occurs: each clause that uses it gets its best sentence with it.
RARE_SENTENCES = 4
RARE_MIN_CHARS = 3
_PARTICLES = "的了是在和与及把被将对"


def rare_terms(question: str, idf: dict[str, float], sentences: Sequence[str], shortest: int = RARE_MIN_CHARS
               ) -> list[str]:
    """The longest stretches of the question's distinctive words (RARE_MIN_CHARS or more) that occur
    verbatim in 1 to RARE_SENTENCES of the plan's sentences."""
    out: list[str] = []
    for stretch in _distinctive(question, idf).split():
        start = 0
        while start <= len(stretch) - shortest:
            found, end = "", start + shortest
            while end <= len(stretch):
                count = sum(1 for s in sentences if stretch[start:end] in s)
                if count == 0:
                    break
                found = stretch[start:end] if count <= RARE_SENTENCES else found
                end += 1
            # A particle at an edge ("方面的") makes no term of a common word.
            out += [found] if len(found.strip(_PARTICLES)) >= shortest else []
            start += len(found) or 1
    return out


def cover_terms(chosen: list[Scored], candidates: Sequence[Scored], terms: Sequence[str], plan: Plan) -> list[Scored]:
    """Add, for each rare term and each clause that uses it, its best sentence with the term when no
    chosen sentence of that clause has it."""
    out = list(chosen)
    for term in terms:
        for candidate in candidates:  # best first
            if len(out) >= DEEP_CAP:
                break
            text = candidate.chunk.sentence.replace(" ", "")
            clause_id = candidate.chunk.clause_id
            if term in text and not any(term in s.chunk.sentence.replace(" ", "") for s in out
                                        if s.chunk.clause_id == clause_id):
                out.append(candidate)
    return sorted(out, key=lambda s: plan_order(plan, s.chunk))


#: A list's chosen clause also gives its best sentence that names something in quotes or a document
#: (“放管服”, “医教结合”, 《幼儿园工作规程》): a plan's named measures are what a list asks for, and they
#: share few words with an everyday question. One per clause, up to QUOTED_CAP sentences in all.
#: (Tuning sets dev–dev11: +7 questions, none lost, for 5–13 % longer list answers.)
QUOTED_CAP = MAX_SENTENCES + 8
_QUOTED = re.compile(r"“[^”]{2,12}”|《[^》]+》")


def cover_quoted(chosen: list[Scored], candidates: Sequence[Scored], plan: Plan) -> list[Scored]:
    """Add each chosen clause's best candidate that quotes a name, when none is chosen yet."""
    out = list(chosen)
    for clause_id in dict.fromkeys(s.chunk.clause_id for s in chosen):
        best = next((c for c in candidates if c.chunk.clause_id == clause_id and _QUOTED.search(c.chunk.sentence)
                     and c not in out), None)
        if best is not None and len(out) < QUOTED_CAP:
            out.append(best)
    return sorted(out, key=lambda s: plan_order(plan, s.chunk))
