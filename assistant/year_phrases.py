"""Years a follow-up names relative to the question before it ("次年", "后两年", "the following two years").

A follow-up that asks for "the following two years" after a question about 2018 asks about 2019 and
2020; written out, the usual follow-up reading (its years replace the previous ones) does the rest.
"""

from __future__ import annotations

import re

from knowledge.scanners import ASCII_YEAR, YEAR

_COUNT = {"一": 1, "两": 2, "二": 2, "三": 3, "1": 1, "2": 2, "3": 3, "two": 2, "three": 3}

# (pattern, +1 after or -1 before the previous question's years, whether a group holds how many years)
_PHRASES: tuple[tuple[re.Pattern[str], int, bool], ...] = (
    # (not "最后一年", the plan's last; not "前两年" or "第二年", which may count the plan's own years)
    (re.compile(r"(?:之后|随后|接下来|后面|往后|此后|(?<!最)后)的?([一两二三123])年"), 1, True),
    (re.compile(r"次年|下一年|(?<!最)后一年"), 1, False),
    (re.compile(r"上一年|前一年"), -1, False),
    (re.compile(r"\b(?:the )?(?:following|next|subsequent) (two|three|2|3) years\b|"
                r"\b(?:the )?(two|three|2|3) (?:following|subsequent) years\b|"
                r"\b(?:the )?(two|three|2|3) years (?:after|later|that follow)", re.I), 1, True),
    (re.compile(r"\b(?:the )?(?:following|next|subsequent) year\b|\bthe year after\b|\ba year later\b", re.I),
     1, False),
    (re.compile(r"\b(?:the )?(?:previous|preceding) (two|three|2|3) years\b", re.I), -1, True),
    (re.compile(r"\b(?:the )?(?:previous|preceding) year\b|\bthe year before\b", re.I), -1, False),
)


def spell_out_years(followup: str, previous: str) -> str:
    """The follow-up with a year phrase relative to the previous question's years written as years;
    unchanged when it has none, names years of its own, or the previous question names none."""
    if YEAR.search(followup) or ASCII_YEAR.search(followup):
        return followup
    named = [int(y) for y in (YEAR.findall(previous) or ASCII_YEAR.findall(previous))]
    if not named:
        return followup
    for pattern, sign, counted in _PHRASES:
        found = pattern.search(followup)
        if found is None:
            continue
        word = next((g for g in found.groups() if g), "") if counted else "1"
        count = _COUNT.get(word.lower(), 1)
        base = max(named) if sign > 0 else min(named)
        years = sorted(base + sign * step for step in range(1, count + 1))
        english = bool(re.search(r"[A-Za-z]", found.group()))
        spelled = " and ".join(map(str, years)) if english else "、".join(f"{y}年" for y in years)
        return followup[: found.start()] + spelled + followup[found.end():]
    return followup
