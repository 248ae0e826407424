"""Chinese words for the 评测 tab: metric names and scopes, failure reasons, validator messages.

The JSON report keeps the English keys (a public contract); only what the page shows is translated.
"""

from __future__ import annotations

import re

#: metric key -> (what the page calls it, over which questions it is computed)
METRIC_ZH: dict[str, tuple[str, str]] = {
    "correct": ("完全正确率", "全部题目：可回答题给出全部要点且引用全部标准条款；无法回答题正确拒答"),
    "hit@1": ("首位命中率", "有标准条款的可回答题：排名第一的检索条款是标准条款"),
    "hit@3": ("前3命中率", "有标准条款的可回答题：标准条款在前3个检索结果中"),
    "hit@5": ("前5命中率", "有标准条款的可回答题：标准条款在前5个检索结果中"),
    "mrr": ("平均倒数排名", "有标准条款的可回答题：第一个标准条款排名的倒数"),
    "citation_precision": ("引用精确率", "有引用的可回答题：引用条款中属于标准条款的比例"),
    "citation_recall": ("引用召回率", "有标准条款的可回答题：标准条款被引用的比例"),
    "citation_precision_partial": ("引用精确率（含上下级）", "同引用精确率，引用标准条款的上级或下级条款记半分"),
    "citation_recall_partial": ("引用召回率（含上下级）", "同引用召回率，引用标准条款的上级或下级条款记半分"),
    "fact_recall": ("要点召回率", "有要点的可回答题：回答中出现的要点比例"),
    "all_facts": ("要点齐全率", "有要点的可回答题：全部要点都出现的比例"),
    "refusal_rate": ("正确拒答率", "无法回答题：被拒答的比例"),
    "false_refusal_rate": ("误拒率", "可回答题：被拒答的比例（越低越好）"),
    "faithfulness": ("引用忠实度", "有引用句的回答：引用真实存在、已检索且原文逐字一致的句子比例"),
    "answer_length": ("平均回答长度", "正常作答的可回答题：回答字数"),
    "latency_p50_ms": ("耗时中位数", "正常作答的题目：总耗时的中位数"),
    "latency_p95_ms": ("耗时95分位", "正常作答的题目：总耗时的95分位数"),
    "error_rate": ("出错率", "全部题目：系统抛出异常的比例（越低越好）"),
}

TYPE_ZH = {
    "factoid": "事实", "numeric": "数值", "responsibility": "职责", "list": "列举", "multi_clause": "多条款",
    "paraphrase": "改写", "english": "英文", "unanswerable": "无法回答", "adversarial": "对抗",
}

_REASONS = (
    (re.compile(r"^answered an unanswerable question$"), "无法回答的问题却作答了"),
    (re.compile(r"^false refusal$"), "可回答的问题被拒答"),
    (re.compile(r"^missing fact (.+)$"), r"缺少要点：\1"),
    (re.compile(r"^cited (\S+) not gold (.+)$"), r"引用了非标准条款 \1（标准：\2）"),
    (re.compile(r"^cited nothing \(gold (.+)\)$"), r"没有引用（标准：\1）"),
    (re.compile(r"^unfaithful: (.+)$"), r"引用不忠实：\1"),
    (re.compile(r"^error: (.+)$"), r"出错：\1"),
)
_LINE = re.compile(r"^line (\d+): ")
_PROBLEMS = (
    (re.compile(r"^invalid JSON: nested too deeply"), "JSON 嵌套过深"),
    (re.compile(r"^invalid JSON: (.+)"), r"不是有效的 JSON（\1）"),
    (re.compile(r"^not valid UTF-8 (.+)"), r"不是有效的 UTF-8 文本 \1"),
    (re.compile(r"^expected a JSON object, got (\w+)"), r"应为 JSON 对象，实际为 \1"),
    (re.compile(r"^missing field '(\w+)'"), r"缺少字段 \1"),
    (re.compile(r"^unknown field '(\w+)'"), r"未知字段 \1"),
    (re.compile(r"^(\w+): expected (\w+), got (\w+)"), r"\1：应为 \2，实际为 \3"),
    (re.compile(r"^id: duplicate id '(.*)' \(first used on line (\d+)\)"), r"编号 \1 重复（首次出现在第 \2 行）"),
    (re.compile(r"^id: empty id"), "编号为空"),
    (re.compile(r"^question: empty question"), "问题为空"),
    (re.compile(r"^type: unknown type '(.*)' \(expected one of (.*)\)"), r"未知题型 \1（可用：\2）"),
    (re.compile(r"^gold_clauses: unknown clause ID '(.*)'"), r"标准条款编号 \1 不存在"),
    (re.compile(r"^gold_clauses: clause ID '(.*)' listed twice"), r"标准条款编号 \1 重复"),
    (re.compile(r"^gold_clauses: an answerable question needs at least one gold clause"), "可回答题至少需要一个标准条款"),
    (re.compile(r"^gold_clauses: an unanswerable question must have no gold clauses"), "无法回答题不应有标准条款"),
    (re.compile(r"^answer_facts: an unanswerable question must have no answer facts"), "无法回答题不应有要点"),
    (re.compile(r"^answerable: type 'unanswerable' requires answerable false"), "题型为 unanswerable 时 answerable 必须为 false"),
    (re.compile(r"^answer_facts: empty fact '(.*)'"), r"要点为空：\1"),
    (re.compile(r"^answer_facts: '(.*)' not found in the text of (.*)"), r"要点“\1”不在条款 \2 的原文中"),
    (re.compile(r"^file: no questions \(the file is empty\)"), "文件中没有题目（文件为空）"),
    (re.compile(r"^file: cannot read (.*)"), r"无法读取文件 \1"),
)


def metric_label(name: str) -> str:
    return METRIC_ZH.get(name, (name, ""))[0]


def metric_scope(name: str) -> str:
    return METRIC_ZH.get(name, ("", ""))[1]


def type_label(qtype: str) -> str:
    return TYPE_ZH.get(qtype, qtype)


def reason_zh(reason: str) -> str:
    """A failure reason in Chinese ("missing fact 96.5%" -> "缺少要点：96.5%")."""
    for pattern, replacement in _REASONS:
        if pattern.match(reason):
            return pattern.sub(replacement, reason)
    return reason


def problem_zh(problem: str) -> str:
    """A validator message in Chinese ("line 3: gold_clauses: unknown clause ID 'x'" ->
    "第 3 行：标准条款编号 x 不存在"); a message without a translation keeps its English words."""
    match = _LINE.match(problem)
    head = f"第 {match.group(1)} 行：" if match else ""
    rest = problem[match.end():] if match else problem
    for pattern, replacement in _PROBLEMS:
        if pattern.match(rest):
            return head + pattern.sub(replacement, rest, count=1)
    return head + rest
