"""The scanners for years, figures and bracketed notes that questions, answers and the plan share.

One definition each, so that a question's "2019年" and "85%" are read the way the plan's are.
"""

from __future__ import annotations

import re

#: A year as Chinese text writes it ("2019年", "2019 年", "2019").
YEAR = re.compile(r"(20\d\d)\s*年?")
#: A year standing alone in English text ("in 2019").
ASCII_YEAR = re.compile(r"\b(20\d\d)\b")
#: A span of years ("2018年到2020年", "2018—2020", "2018-2020", "from 2018 through 2020").
YEAR_RANGE = re.compile(r"(20\d\d)\s*年?\s*(?:到|至|—|–|-|~|\s(?:to|through|until|till)\s)\s*(20\d\d)", re.I)
#: A period label of the targets table: one year, or a span.
PERIOD_YEAR = re.compile(r"20\d\d")
PERIOD_SPAN = re.compile(r"20\d\d[—-]20\d\d")
#: A plain number ("96.5").
NUMBER = re.compile(r"\d+(?:\.\d+)?")
#: A rate ("96.5%", "85 ％").
RATE = re.compile(r"\d+(?:\.\d+)?\s*[%％]")
#: A rate or a count of things ("85%", "9个", "2所"): what a question may claim as a fact.
FIGURE = re.compile(r"\d+(?:\.\d+)?\s*[%％]|\d+\s*[个所项家名]")
#: A bracketed role note after a department's name ("（牵头）"): not part of the name.
ROLE_NOTE = re.compile(r"[（(](?:牵头|配合|负责)[）)]")
