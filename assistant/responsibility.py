"""Who is responsible: a department's tasks (in a role, within a 工程, on a topic), the departments
of the clauses a question is about, and the departments asked for beside another slot."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from assistant.coverage import cover_each_facet, covering
from assistant.duties import department_lines, duty_lines, is_duty_line, shared_lines
from assistant.evidence import Line, led
from assistant.frame import QueryFrame
from assistant.reply import Reply
from assistant.selection import Scored, SentenceScorer, select, share
from assistant.titles import named_places, part_titles, scope_finder
from knowledge.chunks import Chunk
from knowledge.clause import Plan
from knowledge.departments import find_departments

#: A question naming several departments gets the tasks of at most this many.
MAX_DEPARTMENTS = 3
#: A question's best sentence must cover this share of its (idf-weighted) wording before a
#: sentence that names an organization is shown beside the parsed departments. (0.6 → 0.4 on the
#: tuning sets: +1 −0, answers 0–1 % longer; 0.2 gains the same for twice the length. The blind sets,
#: measured once afterwards: no answer gained or lost.)
WHO_SENTENCE_COVERAGE = 0.4
#: A who-question is about clauses with departments when one of them scores within this of the best.
WHO_MARGIN = 0.15


#: A clause of a "who" question that asks what is done besides ("分别由哪些部门组织实施，措施有什么不同"),
#: or what the tasks consist of ("这些任务分别涉及什么内容").
_ALSO_MEASURES = re.compile(r"措施|举措|做法|(怎么|如何|怎样)(做|办|管|落实|开展|保障)|有什么(不同|区别|安排|要求)|"
                            r"(分别|具体|都)(是|要)?(干什么|做什么|干啥|做啥)|(涉及|包括|包含)了?(什么|哪些|啥)(内容|事)?|(什么|哪些)内容|"
                            r"\bwhat (measures|steps|actions)\b|\bhow (is|are|will) (it|they|this|these) (be )?(done|carried)", re.I)
_CLAUSES = re.compile(r"[，,；;。？?！!]")
# Where a clause joins the units asked for to what else it asks ("措施和组织实施单位").
_WHO_JOINED = re.compile(r"(?:和|及|以及|与|还有)(?=[^，。？?]{0,4}(?:单位|部门))")
_WHO = re.compile(r"谁|部门|单位|机构|\bwho\b|department|bureau", re.I)


#: Several departments asked about together ("都参与", "共同负责", "both"): the tasks they share.
_JOINT = re.compile(r"都|共同|一起|同时|均|\bboth\b|\btogether\b|\bjointly\b|\bin common\b|\bshared?\b", re.I)

#: A question about a department's tasks that asks what they consist of, not only which they are.
_CONTENT = re.compile(r"具体(管|做|干|负责|承担)|(做|干|管)(哪些|什么)事|具体(内容|工作)|what (do|does) (it|they) (do|actually)",
                      re.I)


class Responsibility:
    """The responsibility handlers of the extractive composer, over one plan."""

    def __init__(self, plan: Plan, scorer: SentenceScorer, chunks: Sequence[Chunk],
                 is_structural: Callable[[Chunk], bool], titled: Callable[[str], list[str]]) -> None:
        """``titled``: the clauses a text names by their titles (EvidenceSets.titled)."""
        self.plan, self.scorer, self.chunks, self.is_structural = plan, scorer, chunks, is_structural
        self.titled = titled
        self._parts = part_titles(plan)

    def tasks(self, frame: QueryFrame) -> Reply:
        """A department's tasks, in one role or both, within the 工程 the question names, or on the topic
        it names beside the department (then with the plan's sentences on it first)."""
        scope_clause = self.plan.get(frame.scope) if frame.scope else None
        scope = {c.id for c in self.plan.descendants(frame.scope)} | {frame.scope} if scope_clause else set()
        within = scope or None
        about: list[Chunk] = []
        if frame.topic:  # "南宁学院在留学生方面要做什么": its tasks on that topic
            topics = [t for t in frame.topic.split("、") if t]
            if scope_clause is not None:
                # Beside a named 工程, only a topic that is not the 工程's own name (a stretch of its
                # title) adds tasks ("在高校综合实力提升工程和师资队伍建设中": 师资队伍建设), those outside it.
                names_scope = scope_finder([scope_clause.title])
                topics = [t for t in topics if not names_scope(t)]
            found = [c for topic in topics for c in covering(self.scorer, topic, self.chunks)]
            about = [c for c in dict.fromkeys(found) if not self.is_structural(c)]
            if scope:
                about = [c for c in about if c.clause_id not in scope]
                within = scope | {c.clause_id for c in about}
            else:
                within = {c.clause_id for c in about} or None  # no task of it on the topic: all of them
            # An item the topic names by its title ("在建首府留学基地那一条里") is one of them, though
            # its sentences do not repeat the title's words.
            titled = set(self.titled(frame.topic))
            # A topic that names a 工程 by its title's words ("在学前教育和农村留守儿童关爱保护两项任务中":
            # 学前教育 → 实施学前教育普及普惠工程) has its tasks there, whatever its sentences say.
            titled |= {c.id for p in named_places(topics, self._parts) for c in self.plan.descendants(p)}
            if titled:
                within = (within or set()) | titled
        lead, lines = "", []
        where = f"在“{scope_clause.title}”中" if scope_clause is not None and within == scope else "在所问范围内"
        if len(frame.departments) > 1 and _JOINT.search(frame.question.core):
            # "财政局和人社局都参与的是哪几项": the tasks they share; none shared: each one's, after saying so.
            lead, lines = shared_lines(self.plan, frame.departments[:MAX_DEPARTMENTS], frame.english,
                                       frame.role, within)
            if lines:
                return Reply("department", lead, lines)
        for department in frame.departments[:MAX_DEPARTMENTS]:  # "外侨办和台办…": each in turn
            more_lead, more = department_lines(
                self.plan, department, frame.english, frame.role, within=within, only=frame.role_only,
                where=where,
            )
            lead = lead or more_lead
            if lead != more_lead and more:
                more = [led(more_lead, more[0]), *more[1:]]
            lines += more
        if lines and not about and _CONTENT.search(frame.question.core):
            # "具体管哪些事": each task's opening sentence says what it is, after its departments.
            lines = [x for line in lines for x in (line, *self._opening(line.clause_id))]
        if lines and about:  # what the plan says on the topic in those tasks, then the tasks
            tasks = {line.clause_id for line in lines}
            # A sentence of those tasks that names the department says what it does there: first.
            asked = set(frame.departments[:MAX_DEPARTMENTS])
            own = [c for c in self.chunks if c.clause_id in tasks and not self.is_structural(c)
                   and asked.intersection(find_departments(c.sentence))]
            on_topic = [c for c in about if c.clause_id in tasks]
            # one that does both says the most: first
            said = list(dict.fromkeys([c for c in own if c in on_topic] + own + on_topic))[:MAX_DEPARTMENTS]
            lines = [Line(c.sentence, c.clause_id, c.sentence) for c in said] + lines
        if not lines and frame.scope:
            scope = self.plan.get(frame.scope)
            title = scope.title if scope else frame.scope
            lead = f"在“{title}”中，{frame.departments[0]}没有作为{frame.role or '组织或具体实施单位'}承担的任务。"
            items = [c for c in self.plan.descendants(frame.scope) if c.duty is not None]
            lines = [line for c in items for line in duty_lines(c, frame.english)]
        return Reply("department", lead, lines)

    def _opening(self, clause_id: str) -> list[Line]:
        """A task's first sentence that says something (not its heading or its duty list)."""
        first = next((c for c in self.chunks if c.clause_id == clause_id and not self.is_structural(c)), None)
        return [Line(first.sentence, clause_id, first.sentence)] if first else []

    def asked_besides(self, frame: QueryFrame, lines: list[Line]) -> list[Line]:
        """Who is responsible for the clauses of an answer, when the question asks that besides its
        first slot ("名师工作室要建多少个，由哪些单位负责？")."""
        if "department" not in frame.also_asks[1:]:
            return []
        clauses = [c for cid in dict.fromkeys(line.clause_id for line in lines)
                   if (c := self.plan.get(cid)) is not None and c.duty is not None]
        return [line for c in clauses[:MAX_DEPARTMENTS] for line in duty_lines(c, frame.english)]

    def who(self, frame: QueryFrame, scored: list[Scored], pieces: Sequence[str] = ()) -> Reply:
        """The parsed departments of the items the question is about (every item of a 工程 it names,
        each of the topics it lists: ``pieces``, "随迁子女和特殊教育分别由谁组织")."""
        if len(frame.scopes) > 1:  # "A工程和B工程的组织实施单位有什么区别": every item of each
            items = [c for scope in frame.scopes for c in self.plan.descendants(scope) if c.duty is not None]
            if items:
                return Reply("duty", "", [line for c in items for line in duty_lines(c, frame.english)])
        if frame.scope:
            items = [c for c in self.plan.descendants(frame.scope) if c.duty is not None]
            inside = {c.id for c in items}
            best = next((s for s in scored if s.chunk.clause_id in inside | {frame.scope}), None)
            if items and (best is None or best.chunk.clause_id == frame.scope):
                return Reply("duty", "", [line for c in items for line in duty_lines(c, frame.english)])
        # Clauses rank by what they say (titles included), not by their duty lists: those all match
        # the role words a question asks with (组织实施单位, "takes the lead"), whatever its topic.
        said = [s for s in scored if not is_duty_line(s.chunk.sentence)]
        with_duty = [s for s in said if (c := self.plan.get(s.chunk.clause_id)) is not None and c.duty]
        if not said or not with_duty or with_duty[0].score < said[0].score - WHO_MARGIN:
            return Reply.nothing()
        weights = self.scorer.weights(frame.question.text)
        chosen = select(with_duty, weights, frame.wants_list, self.plan) if frame.wants_list else with_duty[:1]
        facets = [w for p in pieces if (w := self.scorer.weights(p))]
        chosen = cover_each_facet(chosen, with_duty, facets, self.plan)
        lines: list[Line] = []
        for clause_id in dict.fromkeys(s.chunk.clause_id for s in chosen):
            clause = self.plan.get(clause_id)
            assert clause is not None
            # The plan sometimes names who does a thing in the sentence itself (依托…落户在…).
            content = [x for x in scored if x.chunk.clause_id == clause_id and not self.is_structural(x.chunk)]
            if content and share(content[0], weights) >= WHO_SENTENCE_COVERAGE:
                sentence = content[0].chunk.sentence
                lines.append(Line(sentence, clause_id, sentence))
            lines += duty_lines(clause, frame.english)
        return Reply("duty", _not_among(self.plan, frame, [line.clause_id for line in lines]), lines)


def _not_among(plan: Plan, frame: QueryFrame, clause_ids: Sequence[str]) -> str:
    """The correction of a claimed department that no clause of the answer lists ("名师工作室是财政局
    负责的吧": 四（七）2 lists 市教育局、编办、人社局), said first; "" when each claimed one is listed."""
    if not frame.departments or not frame.asks_whether:
        return ""
    clauses = [c for cid in dict.fromkeys(clause_ids) if (c := plan.get(cid)) is not None and c.duty is not None]
    listed = {d for c in clauses for d in (*c.duty.organizers, *c.duty.implementers)}
    missing = [d for d in frame.departments if d not in listed]
    if not clauses or not missing:
        return ""
    titles = "、".join(f"“{c.title}”（{c.id}）" for c in clauses)
    if frame.english:
        return f"No: {'、'.join(missing)} is not among the departments the plan lists for {titles}."
    return f"不是：计划中{titles}的组织实施单位和具体实施单位都不包括{'、'.join(missing)}。"


def besides_who(core: str, english: bool) -> str:
    """The question without its clauses that ask who, when another clause asks what is done
    ("随迁子女和留守儿童，分别由哪些部门组织实施，措施有什么不同" → "随迁子女和留守儿童，措施有什么不同"); else ""."""
    clauses = [c.strip() for c in _CLAUSES.split(core) if c.strip()]
    # One clause may ask both ("保障措施和组织实施单位有什么不一样"): its measures, without the units.
    clauses = [part for c in clauses for part in (_WHO_JOINED.split(c) if _ALSO_MEASURES.search(c) else [c])]
    rest = [c for c in clauses if not _WHO.search(c)]
    if len(clauses) < 2 or not any(_ALSO_MEASURES.search(c) for c in rest):
        return ""
    return "，".join(rest) + ("?" if english else "？")
