"""Numeric-target answers from the parsed targets table."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.evidence import Line
from assistant.question import Question
from knowledge.chunks import keyword_tokens
from knowledge.clause import Plan, Target
from knowledge.scanners import FIGURE, PERIOD_SPAN, PERIOD_YEAR

#: An indicator is taken from the wording when this share of its bigrams occur in the question.
LEXICAL_MATCH = 0.6
#: The shortest end of an indicator's name that may stand for it ("入园率" for 学前三年毛入园率).
SHORT_NAME = 3


@dataclass(frozen=True)
class IndicatorMatch:
    indicator: str
    lexical: float
    dense: float


class TargetBook:
    """The plan's targets grouped by indicator, with embeddings of the indicator names."""

    def __init__(self, plan: Plan, embeddings: Embeddings):
        self.plan = plan
        self.targets = plan.targets()
        self.indicators = list(dict.fromkeys(t.indicator for t in self.targets))
        vectors = embeddings.embed_documents(self.indicators) if self.indicators else []
        self._vectors = np.asarray(vectors, dtype=np.float32)
        plan_text = "\n".join(c.text for c in plan)
        self._short = short_names(self.indicators, plan_text)
        self._parts = unique_parts(self.indicators, plan_text)
        self._tokens = {i: set(keyword_tokens(i)) for i in self.indicators}  # read per question: once

    def match(self, question: Question, vector: Sequence[float]) -> list[IndicatorMatch]:
        """Indicators the question asks about, best first (several when it names several)."""
        if not self.indicators:
            return []
        q_tokens = set(keyword_tokens(question.text))
        several = bool(re.search(r"分别|各|、|和|以及|\band\b|\bboth\b|\beach\b", question.own, re.I))
        translated = set(question.text.split()) - set(question.own.split())
        # The vector only orders equally worded matches; an English question comes without one.
        sims = self._vectors @ np.asarray(vector, dtype=np.float32) if len(vector) else [0.0] * len(self.indicators)
        scored = []
        for indicator, sim in zip(self.indicators, sims, strict=False):
            tokens = set(keyword_tokens(indicator))
            lexical = len(tokens & q_tokens) / len(tokens) if tokens else 0.0
            # A short name counts in the asker's own words only: an English question's glossary terms
            # are generic ("gross enrolment rate" → 毛入学率) and would pick the wrong stage.
            if any(short in question.own for short in self._short.get(indicator, ())):
                lexical = max(lexical, LEXICAL_MATCH)
            # An English question asking for several figures names each in its own words: a plan term
            # they translate to that the plan writes only inside this indicator's name (跨区域) names it.
            if several and question.english and any(p in translated for p in self._parts.get(indicator, ())):
                lexical = max(lexical, LEXICAL_MATCH)
            scored.append(IndicatorMatch(indicator, lexical, float(sim)))
        lexical = [m for m in scored if m.lexical >= LEXICAL_MATCH]
        if lexical:
            best = max(m.lexical for m in lexical)
            # Keep every indicator the question names in full, or the single best partial one; a
            # question that asks for several ("分别", "各", "A、B") keeps every partial one.
            if several:
                chosen = lexical
            else:
                chosen = [m for m in lexical if m.lexical >= 0.99] or [m for m in lexical if m.lexical == best]
            return sorted(chosen, key=lambda m: (m.lexical, m.dense), reverse=True)
        return []

    def mentions(self, text: str) -> list[str]:
        """Indicators a text names in full, or else the one it names by a part ("高中阶段")."""
        full = [i for i in self.indicators if i in text]
        if full:
            return full
        tokens = set(keyword_tokens(text))
        overlap = {i: len(tokens & self._tokens[i]) for i in self.indicators}
        best = max(overlap.values(), default=0)
        return [i for i, n in overlap.items() if n == best] if best >= 2 else []

    def select(self, indicators: Sequence[str], years: Sequence[str]) -> list[Target]:
        chosen = [t for t in self.targets if t.indicator in indicators]
        if years:
            in_year = [t for t in chosen if t.period in years]
            if in_year:
                return in_year
        return chosen


def short_names(indicators: Sequence[str], plan_text: str) -> dict[str, list[str]]:
    """The ends of each indicator's name that the plan never uses outside indicator names.

    Chinese names are head-final, so people name an indicator by its end ("入园率", "巩固率"). An end
    stands for the indicators it ends when every time the plan writes it, it is inside one of their
    full names; "幼儿园", which ends 人口大镇新建公办幼儿园 but is written everywhere, stands for nothing.
    """
    out: dict[str, list[str]] = {}
    for indicator in indicators:
        for start in range(1, len(indicator) - SHORT_NAME + 1):
            end = indicator[start:]
            owners = [i for i in indicators if i.endswith(end)]
            if plan_text.count(end) == sum(plan_text.count(i) for i in owners):
                out.setdefault(indicator, []).append(end)
    return out


def unique_parts(indicators: Sequence[str], plan_text: str) -> dict[str, list[str]]:
    """The stretches (≥ SHORT_NAME characters) of each indicator's name that the plan writes only inside
    that name, and no other indicator has: "跨区域" of 跨区域互派学习交流项目."""
    out: dict[str, list[str]] = {}
    for indicator in indicators:
        times = plan_text.count(indicator)
        for size in range(SHORT_NAME, len(indicator)):
            for start in range(len(indicator) - size + 1):
                part = indicator[start : start + size]
                if times and plan_text.count(part) == times * indicator.count(part) and not any(
                        part in other for other in indicators if other != indicator):
                    out.setdefault(indicator, []).append(part)
    return out


def period_text(period: str) -> str:
    if PERIOD_YEAR.fullmatch(period):
        return f"{period}年"
    if PERIOD_SPAN.fullmatch(period):
        return f"计划期内（{period}年）"
    return period


def fragment(sentence: str, value: str) -> str:
    """The stretch of the sentence, between two delimiters, that states the value, in the plan's words
    ("创建自治区示范性普通高中 2 所"), with the spaces around figures closed up for reading."""
    compact = re.sub(r"\s+", "", sentence)
    at = compact.find(value.replace(" ", ""))
    if at < 0:
        return ""
    start = max(compact.rfind(d, 0, at) for d in "，；。：、") + 1
    ends = [i for d in "，；。" if (i := compact.find(d, at)) >= 0]
    return compact[start : min(ends) if ends else len(compact)]


def adds_asked_figure(sentence: str, shown: Sequence[str], asked: Sequence[str]) -> bool:
    """Whether a sentence the target lines quote holds a further figure the question asks about: one no
    target line shows, stated beside question words (``asked``) the target lines do not say.
    ("示范高中和特色高中要创建几所" under "…自治区特色高中6所。": "创建自治区示范性普通高中2所" is asked
    for; under "高中阶段毛入学率达到95.5%" the same line's 学前三年毛入园率 is not.)"""
    said = {t for text in shown for t in keyword_tokens(text)}
    wanted = {t for t in asked if t not in said}
    compact = [re.sub(r"\s+", "", text) for text in shown]
    for match in FIGURE.finditer(sentence):
        value = re.sub(r"\s+", "", match.group(0))
        if any(value in text for text in compact):
            continue
        if wanted & set(keyword_tokens(fragment(sentence, value))):
            return True
    return False


#: An English target answer opens with this; a compound answer's own lead says it once for all parts.
TARGETS_LEAD_EN = "According to the plan's targets: "


def target_lines(targets: Sequence[Target], claimed: Sequence[str], english: bool) -> tuple[str, list[Line]]:
    """Lines for the targets, led by a correction when the question claims a figure the plan does
    not give (``claimed``: "98%", "50个", as the question wrote them)."""
    lines = []
    for t in targets:
        scope = "总体目标" if t.clause_id.endswith("（一）") and t.clause_id.startswith("三") else "目标"
        words = fragment(t.sentence, t.value) or f"{t.indicator}{t.value}"
        lines.append(Line(f"{period_text(t.period)}{scope}：{words}。", t.clause_id, t.sentence))
    values = {t.value.replace("以上", "") for t in targets}
    wrong = [c for c in claimed if c not in values and not any(c in v for v in values)]
    lead = ""
    if wrong and targets:
        lead = (f"Unlike the “{wrong[0]}” in the question, the plan sets: " if english
                else f"与问题中的“{wrong[0]}”不同，计划规定如下：")
    distinct = {(t.period, t.value) for t in targets}
    by_period: dict[tuple[str, str], set[str]] = {}
    for t in targets:
        by_period.setdefault((t.period, t.indicator), set()).add(t.value)
    if any(len(v) > 1 for v in by_period.values()) and len(distinct) > 1:
        lead += ("the plan gives two different figures for it, both listed: " if english
                 else "计划中两处给出的数字不同，均列出：")
    if english and targets:
        lead = TARGETS_LEAD_EN + lead
    return lead, lines
