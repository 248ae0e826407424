"""Where the plan echoes one of its clauses elsewhere: "“因地制宜”这条原则在方案后面的具体做法里是怎么体现
的", "教育精准扶贫这项任务，在保障措施里有哪些相呼应的安排". The clause the question names is the source;
the sentences elsewhere (within the part named beside it, else anywhere) that share most of its rare
words are its echoes: 差别化政策 → 差别化补助, 向贫困地区倾斜 → 向老少边山穷地区倾斜."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from knowledge.chunks import Chunk, keyword_tokens

#: A question that asks where a clause is reflected, answered, or carried on. (Chinese only: the clause
#: is found by its Chinese title.)
ECHO = re.compile(r"体现|呼应|对应|反映")
#: A word in few of the plan's sentences: what two passages share by intent (各级, 各类, 按照 are in many).
ECHO_IDF = 3.0
#: The echoes given beside the answer, best first.
ECHOES = 3


def echoes(source: Sequence[Chunk], targets: Sequence[Chunk], idf: dict[str, float]) -> list[Chunk]:
    """The ``targets`` that share most weight of the ``source`` sentences' rare words, best first (ties
    in the targets' order), at most ECHOES."""
    words = dict.fromkeys(t for c in source for t in keyword_tokens(c.sentence))
    rare = {t: idf[t] for t in words if idf.get(t, 0.0) >= ECHO_IDF}
    scored = []
    for chunk in targets:
        shared = [t for t in dict.fromkeys(keyword_tokens(chunk.sentence)) if t in rare]
        if shared:
            scored.append((math.fsum(rare[t] for t in shared), chunk))
    scored.sort(key=lambda pair: -pair[0])
    return [chunk for _, chunk in scored[:ECHOES]]
