"""Responsibility answers from the parsed 组织实施单位 / 具体实施单位 fields, never from free text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assistant.evidence import Line
from knowledge.clause import Clause, Plan
from knowledge.departments import department_matches


@dataclass(frozen=True)
class Task:
    clause: Clause
    roles: tuple[str, ...]  # "组织实施单位" and/or "具体实施单位"


def is_duty_line(sentence: str) -> bool:
    """Whether a sentence is an item's （组织实施单位：…；具体实施单位：…） list."""
    return "组织实施单位" in sentence


def duty_quote(clause: Clause) -> str:
    """The verbatim （组织实施单位：…） passage of an item."""
    text = clause.text
    start = text.rfind("（组织实施单位")
    if start < 0:
        start = text.rfind("组织实施单位")
    end = text.find("）", start)
    return text[start : end + 1] if start >= 0 and end > start else text


def tasks_of(plan: Plan, department: str) -> list[Task]:
    """Every item where the department appears, in either role, in document order."""
    tasks = []
    for clause in plan:
        if clause.duty is None:
            continue
        roles = []
        if any(department_matches(department, name) for name in clause.duty.organizers):
            roles.append("组织实施单位")
        if any(department_matches(department, name) for name in clause.duty.implementers):
            roles.append("具体实施单位")
        if roles:
            tasks.append(Task(clause, tuple(roles)))
    return tasks


def duty_lines(clause: Clause, english: bool) -> list[Line]:
    duty = clause.duty
    assert duty is not None
    # The plan's own wording ("市教育局、财政局"), so the line reads as the plan does; the parsed,
    # normalized names serve lookups.
    parts = [f"组织实施单位：{duty.organizers_text or '、'.join(duty.organizers)}"]
    if duty.implementers:
        parts.append(f"具体实施单位：{duty.implementers_text or '、'.join(duty.implementers)}")
    head = f"“{clause.title}”（{clause.id}）"
    if english:
        head = f"Responsible for “{clause.title}” ({clause.id}): "
    return [Line(f"{head}{'；'.join(parts)}。", clause.id, duty_quote(clause))]


def department_lines(
    plan: Plan,
    department: str,
    english: bool,
    role: str = "",
    within: set[str] | None = None,
    only: bool = False,
    where: str = "在所问范围内",
) -> tuple[str, list[Line]]:
    """The department's tasks; only those in one role when the question names it (``only``: in that
    role and not the other), only those among ``within`` clause IDs when given (``where`` says
    which: "在“实施学前教育普及普惠工程”中")."""
    every = tasks_of(plan, department)
    tasks = [
        t for t in every
        if (not role or role in t.roles) and (not only or t.roles == (role,))
        and (within is None or t.clause.id in within)
    ]
    if not tasks:
        return "", []
    organizes = sum(1 for t in tasks if "组织实施单位" in t.roles)
    implements = sum(1 for t in tasks if "具体实施单位" in t.roles)
    # Within the part or topic asked about, the count is of those tasks: the plan's total is said too,
    # so that "参与1项" is not read as the department's whole share of the plan.
    narrowed = within is not None and len(tasks) < len(every)
    where = where if narrowed else "在本计划中"
    total = f"；全计划共{len(every)}项" if narrowed else ""
    lead = f"{department}{where}参与{len(tasks)}项任务（作为组织实施单位{organizes}项，具体实施单位{implements}项{total}）："
    if role:
        lead = f"{department}{where}{'只' if only else ''}作为{role}参与{len(tasks)}项任务："
    if english:
        scope = f" of its {len(every)} in the plan, in what is asked" if narrowed else " of the plan"
        lead = f"{department} takes part in {len(tasks)} task{'s' if len(tasks) > 1 else ''}{scope}. " + lead
    # A short list shows each role's list in the plan's words, so the other departments are seen too.
    detailed = len(tasks) <= DETAILED_TASKS
    lines = [
        Line(f"{t.clause.id} {t.clause.title}（{_roles_text(t, detailed)}）", t.clause.id, duty_quote(t.clause))
        for t in tasks
    ]
    return lead, lines


def shared_lines(
    plan: Plan, departments: Sequence[str], english: bool, role: str = "", within: set[str] | None = None,
) -> tuple[str, list[Line]]:
    """The tasks every one of ``departments`` takes part in ("财政局和人社局都参与的是哪几项"), each
    with its role lists in the plan's words; the lead counts them and each department's own total."""
    def ids(department: str) -> list[str]:
        return [t.clause.id for t in tasks_of(plan, department) if (not role or role in t.roles)
                and (within is None or t.clause.id in within)]

    own = {d: ids(d) for d in departments}
    common = [cid for cid in own[departments[0]] if all(cid in own[d] for d in departments[1:])]
    names = "和".join(departments)
    totals = "，".join(f"{d}共{len(own[d])}项" for d in departments)
    as_role = f"作为{role}" if role else ""
    if not common:
        lead = f"计划中没有{names}都{as_role}参与的任务（{totals}）。"
        return (f"No task of the plan has all of {', '.join(departments)}. " + lead) if english else lead, []
    lead = f"{names}都{as_role}参与的任务有{len(common)}项（{totals}）："
    if english:
        lead = f"{len(common)} tasks have all of {', '.join(departments)}. " + lead
    lines = [line for cid in common if (c := plan.get(cid)) is not None for line in duty_lines(c, english)]
    return lead, lines


#: Up to this many tasks, a department's list shows the full role lists; beyond, only the roles.
DETAILED_TASKS = 6


def _roles_text(task: Task, detailed: bool) -> str:
    duty = task.clause.duty
    if not detailed or duty is None:
        return "、".join(task.roles)
    words = {"组织实施单位": duty.organizers_text, "具体实施单位": duty.implementers_text}
    return "；".join(f"{role}：{words[role]}" if words.get(role) else role for role in task.roles)
