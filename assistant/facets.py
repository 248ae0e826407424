"""The parts of a list question, read from its wording: its pieces between punctuation and conjunctions,
the items of its enumeration and the subject they share ("家里有残疾孩子的话，读高职和学前教育分别…" →
残疾 × 读高职, 学前教育; or after them: "在留学和保障措施里分别要求宣传什么" → 宣传), and its rare
terms. assistant.coverage turns each part into sentences.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from knowledge.glossary import english_spans

#: A word is distinctive with idf ≥ DISTINCT_IDF, i.e. in fewer than about one sentence in six.
DISTINCT_IDF = 2.0
_SEGMENT = re.compile(r"[，,。？?；;、：:！!]|以及|还有|和|与|及|跟|或者|或")
#: Common words in which a conjunction's character is no conjunction (what a dictionary lists): "参与了
#: 哪些任务" is not "参" and "了哪些任务", nor "普及普惠工程" "普" and "普惠工程".
_WORDS = ("参与", "普及", "涉及", "提及", "及时", "及早", "和谐", "缓和", "与其", "跟踪", "跟进", "或许")
#: While a question is split, such a character stands in for itself as a private-use one.
_JOINERS, _STAND_INS = "与及和跟或", "\ue000\ue001\ue002\ue003\ue004"
_HIDDEN = {w: w.translate(str.maketrans(_JOINERS, _STAND_INS)) for w in _WORDS}
_SHOWN = str.maketrans(_STAND_INS, _JOINERS)


def hide_words(text: str) -> str:
    """The text with the conjunction characters inside _WORDS hidden (``show_words`` undoes it)."""
    for word, hidden in _HIDDEN.items():
        text = text.replace(word, hidden)
    return text


def show_words(text: str) -> str:
    return text.translate(_SHOWN)


def _split(pattern: re.Pattern[str], text: str) -> list[str]:
    """``pattern.split(text)``, never inside one of _WORDS."""
    return [show_words(p) for p in pattern.split(hide_words(text))]


def segments(text: str) -> list[str]:
    """The pieces of a question between punctuation and conjunctions: its candidate sub-topics."""
    return [s for s in _split(_SEGMENT, text) if s.strip()]


_STRONG = re.compile(r"[，,。？?；;：:！!]")
_JOINS = re.compile(r"、|以及|还有|和|与|及|跟|或者|或")


def facet_queries(text: str, has_topic: Callable[[str], bool], idf: dict[str, float], shared: str = "") -> list[str]:
    """Each item of a list question with the subject it shares, as a query: "大班额 义务教育". Items
    that name no subject share ``shared``'s, the question they follow ("评价怎么改？" before
    "学生、老师分别怎么评")."""
    subject, items = _parts(text, has_topic, idf)
    if items and not subject and has_topic(shared):
        subject = _distinctive(shared, idf)
    return [f"{subject} {i}" for i in items] if subject else []


def facet_parts(text: str, has_topic: Callable[[str], bool], idf: dict[str, float]) -> tuple[str, list[str]]:
    """The subject and the items of a list question: "大班额的问题，义务教育和普通高中分别…" → 大班额,
    [义务教育, 普通高中]; ("", []) without both. The items of an enumeration (、 和 与) are the
    facets; the clauses before it that name a topic are the subject every facet shares, by their
    distinctive words only ("家里有残疾孩子的话" → 残疾); without one, a clause after it that names a
    topic, its framing words aside ("方案分别要求宣传什么" → 宣传; "方案分别怎么说" only frames)."""
    subject, items = _parts(text, has_topic, idf)
    return (subject, items) if subject and items else ("", [])


def lacks_subject(text: str, has_topic: Callable[[str], bool], idf: dict[str, float]) -> bool:
    """Whether a text lists items that share no subject it names: "学生、老师、教育质量分别怎么评"
    (after "评价怎么改？" the items are that question's)."""
    subject, items = _parts(text, has_topic, idf)
    return bool(items) and not subject


def _parts(text: str, has_topic: Callable[[str], bool], idf: dict[str, float]) -> tuple[str, list[str]]:
    clauses = [c for c in _STRONG.split(text) if c.strip()]
    if not clauses:
        return "", []
    lists = [_items(c) for c in clauses]
    # An enumeration: two items that name a topic, or three items with 、 between them or along a range
    # (common words such as 义务教育 name no topic on their own, but listed they are the facets), or two
    # items before 分别/各自, which say the question takes them one by one ("中小学和高职院校分别…").
    listed = [(("、" in c or bool(_RANGE.search(c))) and len(items) > 2)
              or (len(items) > 1 and bool(_FRAMING.search(items[-1])))
              for c, items in zip(clauses, lists, strict=True)]
    lists = [items if sum(1 for i in items if has_topic(i)) > 1 or many else []
             for items, many in zip(lists, listed, strict=True)]
    first = next((k for k, items in enumerate(lists) if items), 0)
    subject = " ".join(_distinctive(c, idf) for c in clauses[:first] if has_topic(c)).strip()
    items = []
    if lists[first]:  # the words around an enumeration inside its clause are shared too
        trimmed, around = _enumeration(lists[first])
        subject = f"{subject} {_distinctive(around, idf)}".strip()
        items = trimmed if around or listed[first] else [i for i in trimmed if has_topic(i)]
    items += [i for group in lists[first + 1 :] for i in group if has_topic(i)]
    if items and not subject:  # none before the list: a clause after it that names one ("…要求宣传什么")
        after = [c for c, group in zip(clauses[first + 1 :], lists[first + 1 :], strict=True) if not group]
        subject = " ".join(_distinctive(FRAMING_WORDS.sub(" ", c), idf) for c in after if has_topic(c)).strip()
    return subject, items


#: The words a question frames its subject with ("宣传方面，方案…要求"): no part of the subject.
FRAMING_WORDS = re.compile(r"方面|方案|计划|要求|关于|部分|问题|内容|规定|提到|提出")


def opening_subject(text: str, has_topic: Callable[[str], bool], idf: dict[str, float]) -> str:
    """The subject a list's items share when the list comes within the question's first two clauses;
    the asker's own circumstances ("我在乡下一所中心校当校长，…") are no subject."""
    opening = "，".join([c for c in _STRONG.split(text) if c.strip() and "我" not in c][:2])
    return facet_parts(opening, has_topic, idf)[0]


# A range's stations are items too: "从上幼儿园、读书到学技能", "从幼儿园到义务教育再到学门手艺" (a year
# after 到 is a date, not a station).
_RANGE = re.compile(r"从.+到(?!\d)")
_STATIONS = re.compile(r"再到|到(?!\d)")


def _items(clause: str) -> list[str]:
    items = [i for i in _split(_JOINS, clause) if i.strip()]
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


#: A term of the question the plan uses in at most RARE_SENTENCES sentences ("港澳台", "教学点") is what
#: a list question is about wherever it occurs: each clause that uses it gets its best sentence with it.
RARE_SENTENCES = 4
RARE_MIN_CHARS = 3
_PARTICLES = "的了是在和与及把被将对"


def rare_terms(question: str, idf: dict[str, float], sentences: Sequence[str], shortest: int = RARE_MIN_CHARS,
               alone: bool = False) -> list[str]:
    """The longest stretches of the question's distinctive words (``shortest`` characters or more) that
    occur verbatim in 1 to RARE_SENTENCES of the plan's sentences. ``alone``: a question whose only
    distinctive stretch, its framing words aside, is one word ("方案对宣传有什么要求") is about that
    word, however short (two characters): each of its few sentences answers. (Tuning sets +1 −0, for
    0–1.5 % longer answers.)"""
    stretches = _distinctive(question, idf).split()
    if alone and len(_distinctive(FRAMING_WORDS.sub(" ", question), idf).split()) == 1:
        shortest = min(shortest, 2)
    out: list[str] = []
    for stretch in stretches:
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


# What may stand between two items of an English enumeration (after a plural's ending the glossary
# leaves out): a comma, "and"/"or", "with those for", "versus", and the articles and prepositions
# before the next item ("for kindergartens, compulsory education and general senior high schools").
_EN_BETWEEN = re.compile(r"(?:e?s\b)?\s*(?:,\s*(?:and|or)?|and|or|versus|vs\.?|with(?:\s+those)?)\s*"
                         r"(?:(?:the|those|their|its|our|for|in|of|on|to|at|with|about)\s+)*", re.I)


def english_parts(text: str) -> tuple[str, list[str]]:
    """The subject and the items of an English list question, in the plan's terms: "Compare the
    curriculum reform requirements for kindergartens, compulsory education and general senior high
    schools" → 课程改革 …, [幼儿园, 义务教育, 普通高中]. The items are two or more glossary phrases
    with only commas, and/or and prepositions between them; the subject is the glossary terms of the
    rest. ("", []) without both. (Tuning sets +1 −0, ≤ 1 % longer.)"""
    found: list[tuple[int, int, str]] = []
    start = 0
    for span, term in english_spans(text):
        at = text.find(span, start)
        if found and not text[found[-1][1] : at].strip():  # one phrase: "private schools" is 民办学校
            found[-1] = (found[-1][0], at + len(span), found[-1][2] + term)
        else:
            found.append((at, at + len(span), term))
        start = at + len(span)
    runs: list[list[tuple[int, int, str]]] = []
    for hit in found:
        if runs and _EN_BETWEEN.fullmatch(text[runs[-1][-1][1] : hit[0]]):
            runs[-1].append(hit)
        else:
            runs.append([hit])
    items = max(runs, key=len, default=[])
    if len(items) < 2:
        return "", []
    subject = " ".join(dict.fromkeys(t for t in (h[2] for h in found if h not in items)
                                     if t not in {i[2] for i in items}))
    return (subject, [i[2] for i in items]) if subject else ("", [])
