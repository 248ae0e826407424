"""Department names: splitting responsibility lists, normalizing names, spotting them in questions.

The plan writes lists like ``市教育局、财政局、发展改革委``: the leading 市 applies to every municipal
bureau in the list, so ``财政局`` means ``市财政局``. Canonical names are the plan's own wording with
that prefix (``市人社局``, ``市卫生计生委``); users' variants (发改委, 人力资源社会保障局, 卫计委) map to them.
"""

from __future__ import annotations

import re

from knowledge.clause import Duty, Plan
from knowledge.scanners import ROLE_NOTE

# canonical name → other ways people write it (without the 市 prefix; that is stripped before lookup)
_ALIASES: dict[str, tuple[str, ...]] = {
    "市教育局": ("教育局",),
    "市财政局": ("财政局", "财政"),
    "市发展改革委": ("发展改革委", "发改委", "发展和改革委员会", "发展改革委员会", "发改局", "发展改革"),
    "市人社局": ("人社局", "人力资源社会保障局", "人力资源和社会保障局", "人力资源社会保障", "人社"),
    "市编办": ("编办", "机构编制委员会办公室", "编委办", "机构编制"),
    "市规划局": ("规划局",),
    "市国土资源局": ("国土资源局", "国土局", "国土资源"),
    # 住房局 (housing security and real estate) and 城乡建委 (urban-rural construction) are two bodies.
    "市住房局": ("住房局", "住房保障和房产管理局", "房管局", "住房保障局", "住房"),
    "市城乡建委": ("城乡建委", "城乡建设委员会", "城乡建设委", "建委", "城乡建设"),
    "市民政局": ("民政局",),
    "市残联": ("残联", "残疾人联合会"),
    "市税务局": ("税务局",),
    "市科技局": ("科技局",),
    "市民宗委": ("民宗委", "民族宗教事务委员会"),
    "市文新广局": ("文新广局", "文化新闻出版广电局"),
    "市环保局": ("环保局", "环境保护局"),
    "市林园局": ("林园局", "林业和园林局"),
    # 卫生计生委 became 卫生健康委 in the 2019 reform; people asking with the new name mean this office.
    "市卫生计生委": ("卫生计生委", "卫计委", "卫生和计划生育委员会", "卫健委", "卫生健康委"),
    "市工信委": ("工信委", "工业和信息化委员会"),
    "市国资委": ("国资委",),
    "市外侨办": ("外侨办", "外事侨务办公室", "外事办"),
    "市台办": ("台办",),
    "市投资促进局": ("投资促进局", "投促局"),
    "市大型活动办": ("大型活动办",),
    "市公安局": ("公安局",),
    "市综治办": ("综治办",),
    "市食品药品监督管理局": ("食品药品监督管理局", "食药监局"),
    "市扶贫办": ("扶贫办",),
    "各县区人民政府": ("县区人民政府", "县区政府", "各县区政府"),
    "各县、武鸣区人民政府": ("各县武鸣区人民政府",),
    "开发区管委会": ("开发区",),
    "五象新区管委会": ("五象新区",),
    "青秀山管委会": ("青秀山",),
    "南宁职业技术学院": ("南职院",),
    "南宁学院": (),
    "市社区教育指导委员会成员单位": ("社区教育指导委员会",),
}
# Names that stand for more than one body; matching them matches all.
_AMBIGUOUS: dict[str, tuple[str, ...]] = {
    name: ("市住房局", "市城乡建委") for name in ("住建局", "住建委", "住建", "住房和城乡建设局", "住房城乡建设局")
}
# Aliases too generic to spot in a question (topic words, places, "个人社保" ⊃ 人社).
_PLACES = {"开发区", "五象新区", "青秀山"}
_NOT_SPOTTED = {"财政", "发展改革", "国土资源", "住房", "城乡建设", "人社", *_PLACES}

_LOOKUP: dict[str, str] = {}
for _canon, _names in _ALIASES.items():
    for _name in (_canon, *_names):
        _LOOKUP[_name] = _canon
        _LOOKUP[_name.removeprefix("市")] = _canon

# Words a complete organization name ends with; "各县" does not, so "各县、武鸣区人民政府" stays one.
_ORG_END = tuple("局委办会院府联部厅处室所站校心团司位门馆社组队学园")
_PLACE_PREFIXES = ("市", "各", "区", "县", "南宁", "自治区", "广西", "国家", "省", "中央", "开发区", "五象", "青秀")


def _is_bureau(name: str) -> bool:
    return name.endswith(("局", "委", "办", "联"))


def canonical_department(name: str) -> str:
    """The plan's canonical name for a department (``财政局`` → ``市财政局``, ``发改委`` →
    ``市发展改革委``); unknown bureaus get the 市 prefix, other names come back trimmed."""
    n = re.sub(r"\s+", "", name or "").strip("“”\"'‘’")
    n = re.sub(ROLE_NOTE.pattern + "$", "", n)
    if n.endswith("等") and len(n) > 2:
        n = n[:-1]
    if n in _LOOKUP:
        return _LOOKUP[n]
    if n.startswith("市") and n[1:] in _LOOKUP:
        return _LOOKUP[n[1:]]
    if _is_bureau(n) and not n.startswith(_PLACE_PREFIXES):
        return "市" + n
    return n


def expand_department(name: str) -> tuple[str, ...]:
    """Every canonical department a name may mean: one, or several for ambiguous ones (住建局)."""
    n = re.sub(r"\s+", "", name or "")
    key = n[1:] if n.startswith("市") and n[1:] in _AMBIGUOUS else n
    if key in _AMBIGUOUS:
        return _AMBIGUOUS[key]
    return (canonical_department(n),) if n else ()


def department_matches(query: str, name: str) -> bool:
    """Whether a department the user named (any alias) is the department ``name`` (as the plan lists it)."""
    targets = set(expand_department(name))
    return any(q in targets for q in expand_department(query))


def split_departments(text: str) -> tuple[str, ...]:
    """``市教育局、财政局，五象新区管委会`` → (市教育局, 市财政局, 五象新区管委会), canonical, no repeats."""
    text = ROLE_NOTE.sub("", text or "")  # role notes are not part of the name
    pieces = re.split(r"([、，,；;/])", text)
    out: list[str] = []
    buf = ""
    for i in range(0, len(pieces), 2):
        buf += pieces[i].strip()
        last = i + 1 >= len(pieces)
        if buf and (buf.endswith(_ORG_END) or last):
            name = canonical_department(buf)
            if name and name not in out:
                out.append(name)
            buf = ""
        elif buf:
            buf += pieces[i + 1]  # "各县" + "、" + "武鸣区人民政府" is one entity
    return tuple(out)


_DUTY = re.compile(r"[（(](?:组织实施单位|牵头单位)[：:]")
_SECOND = re.compile(r"[；;，,]\s*(?:具体实施单位|责任单位|配合单位)[：:]")


def parse_duty(text: str) -> Duty | None:
    """The Duty in a clause's ``（组织实施单位：…；具体实施单位：…）``, None when it has none."""
    matches = list(_DUTY.finditer(text))
    if not matches:
        return None
    start = matches[-1].end()
    depth, end = 1, len(text)
    for i in range(start, len(text)):
        if text[i] in "（(":
            depth += 1
        elif text[i] in "）)":
            depth -= 1
            if depth == 0:
                end = i
                break
    inner = text[start:end]
    second = _SECOND.search(inner)
    organizers_text = (inner[: second.start()] if second else inner).strip()
    implementers_text = inner[second.end():].strip() if second else ""
    return Duty(split_departments(organizers_text), split_departments(implementers_text),
                organizers_text, implementers_text)


def all_departments(plan: Plan) -> list[str]:
    """Every department the plan's duties name, canonical, in order of first appearance."""
    out: list[str] = []
    for clause in plan:
        if clause.duty:
            out.extend(n for n in (*clause.duty.organizers, *clause.duty.implementers) if n not in out)
    return out


def _spotting_table() -> list[tuple[str, tuple[str, ...]]]:
    table: dict[str, tuple[str, ...]] = {}
    for canon, names in _ALIASES.items():
        for name in (canon, canon.removeprefix("市"), *names):
            if name not in _NOT_SPOTTED and len(name) >= 2:
                table[name] = (canon,)
                if _is_bureau(name) and not name.startswith("市"):
                    table["市" + name] = (canon,)
    # "财政部门", "住房部门", "人社部门": a body named by its field and 部门 ("department"), as people say.
    for canon, names in _ALIASES.items():
        for name in (canon.removeprefix("市"), *names):
            stem = name[:-1] if _is_bureau(name) else name if name in _NOT_SPOTTED - _PLACES else ""
            if len(stem) >= 2:
                table.setdefault(stem + "部门", (canon,))
    for name, canons in _AMBIGUOUS.items():
        table[name] = canons
        table["市" + name] = canons
    return sorted(table.items(), key=lambda kv: -len(kv[0]))


_SPOTTING = _spotting_table()


def department_mentions(text: str) -> list[str]:
    """Department names as a text writes them ("人社局"), longest first at each place, in order."""
    return [surface for _, surface, _ in _spot(text or "")]


def _spot(text: str) -> list[tuple[int, str, tuple[str, ...]]]:
    taken = [False] * len(text)
    found: list[tuple[int, str, tuple[str, ...]]] = []
    for surface, canons in _SPOTTING:
        pos = text.find(surface)
        while pos != -1:
            end = pos + len(surface)
            if not any(taken[pos:end]):
                taken[pos:end] = [True] * len(surface)
                found.append((pos, surface, canons))
            pos = text.find(surface, end)
    return sorted(found)


def canonical_text(text: str) -> str:
    """The text with every unambiguous department name in its canonical form ("编办" → "市编办"), so
    that two texts naming a body differently compare equal (eval facts against answers and the plan)."""
    out, last = [], 0
    for pos, surface, canons in _spot(text or ""):
        out.append(text[last:pos])
        out.append(canons[0] if len(canons) == 1 else surface)
        last = pos + len(surface)
    out.append((text or "")[last:])
    return "".join(out)


def find_departments(text: str) -> list[str]:
    """Canonical departments a question mentions, longest name first at each place, in order of
    mention (``财政局负责哪些任务`` → [``市财政局``]); ambiguous names yield every body they may mean."""
    out: list[str] = []
    for _, _, canons in _spot(text or ""):
        out.extend(c for c in canons if c not in out)
    return out
