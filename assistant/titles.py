"""Clauses a question names by their titles ("在组织领导和督导考核方面": 五（一）, 五（四）)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.coverage import best_of_clauses
from assistant.selection import Scored
from knowledge.clause import Plan

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
        name = clause.title.rstrip("。 ")
        for _ in range(3):
            name = _TITLE_VERB.sub("", name)
        if len(name) >= TITLE_MIN_CHARS:
            out.append((name, clause.id))
    return out


def cover_titles(chosen: list[Scored], candidates: Sequence[Scored], clause_ids: Sequence[str],
                 plan: Plan) -> list[Scored]:
    """Add the best sentence of each clause the question names by its title ("在组织领导和督导考核方面
    分别…") when no chosen sentence is from it: the plan's own heading says where that part is."""
    return best_of_clauses(chosen, candidates, clause_ids, plan)
