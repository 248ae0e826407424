"""Where a question is about: a place the plan never names, or a wider area than the plan's own."""

from __future__ import annotations

import re
from functools import lru_cache

from knowledge.places import PLACES

# A place someone goes to ("爸妈都去广东打工了", "moved to Shenzhen") is where they went, not what the
# question asks the plan about. (到 after 提, 说, 谈 … is no going: "有没有提到柳州" asks about 柳州.)
_GONE_TO = re.compile(r"(?:去|(?<![提说谈讲看听想做达遇感受涉及顾])到|赴|往|回)$|\b(?:go|goes|went|gone|going|move[sd]?|moving|travel(?:l?ed)?) to $", re.I)


@lru_cache(maxsize=8)
def _unnamed(plan_text: str) -> tuple[tuple[str, str], ...]:
    """The places a plan never names, each with its lower-case form: found once per plan, not per
    question (each is a search of the whole plan text)."""
    return tuple((place, place.lower()) for place in PLACES if place not in plan_text)


def foreign_place(text: str, plan_text: str) -> str:
    """A place the question is about that the plan never names, or ""."""
    lowered = text.lower()
    for place, low in _unnamed(plan_text):
        if low not in lowered:
            continue
        at = [m.start() for m in re.finditer(re.escape(low), lowered)]
        if any(not _GONE_TO.search(lowered[max(0, i - 12) : i]) for i in at):
            return place
    return ""


# An average over a wider area ("the Guangxi regional average", "全国平均水平"): a figure no city plan gives.
_AVERAGE = re.compile(r"(全区|全国|全省|广西|全自治区)平均|\b(regional|national|provincial|guangxi|country) average", re.I)
# A wider area than a city plan's own ("全区", "整个广西", "nationwide"): its figures are the city's.
_WIDER = re.compile(r"(?:全区|全自治区|整个(?:广西|自治区)[\u4e00-\u9fff]{0,4}?|广西全区|全广西|全省|全国)(?:的)?|"
                    r"\b(?:across|throughout|for) (?:the )?(?:whole |entire )?(?:guangxi|country)\b|"
                    r"\bnationwide", re.I)


def is_average(phrase: str) -> bool:
    return bool(_AVERAGE.search(phrase))


def wider_area(text: str, plan_text: str) -> str:
    """The wider area a figure question is scoped to ("全区高中阶段毛入学率的目标"), or "". The plan's
    own phrases with such a word ("在全区率先普及", "全国教育大会") name no scope of a figure."""
    average = _AVERAGE.search(text)
    if average:
        return average.group(0)
    for found in _WIDER.finditer(text):
        phrase = found.group(0)
        after = text[found.end() : found.end() + 2]
        if after and (phrase + after) in plan_text:
            continue
        return phrase.rstrip("的")
    return ""
