"""Word (DOCX) through python-docx: paragraphs and tables in document order, Word's automatic list
numbering turned back into the text it shows (一、 / （一） / 1.), heading styles as Markdown headings."""

from __future__ import annotations

import io
import re
import zipfile

from knowledge.ids import int_to_cn
from knowledge.parser import MalformedDocument

#: A DOCX is a zip: refuse archives that would expand to more than this (a zip bomb).
MAX_UNZIPPED = 200 * 1024 * 1024
MAX_RATIO = 200
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def docx_text(data: bytes) -> str:
    _check_zip(data)
    from docx import Document

    try:
        document = Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several types for a damaged package
        raise MalformedDocument(f"not a readable Word document ({type(exc).__name__})") from exc
    numbering = _Numbering(document)
    out: list[str] = []
    for block in document.element.body.iterchildren():
        if block.tag == f"{_W}p":
            text = _paragraph_text(block)
            label = numbering.label(block, document)
            if label:
                text = label + text
            if text.strip():
                style = _style_name(block, document)
                heading = style.startswith(("heading", "title")) or style in ("标题", "题目")
                out.append(f"# {text.strip()}" if heading else text.strip())
        elif block.tag == f"{_W}tbl":
            for row in block.iter(f"{_W}tr"):
                cells = [" ".join(_paragraph_text(p) for p in cell.iter(f"{_W}p")).strip()
                         for cell in row.iter(f"{_W}tc")]
                if any(cells):
                    out.append("；".join(c for c in cells if c))
    if not out:
        raise MalformedDocument("the Word document has no text")
    return "\n\n".join(out)


def _check_zip(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise MalformedDocument("not a Word document (damaged zip)") from exc
    with archive:
        names = set(archive.namelist())
        if "word/document.xml" not in names:
            raise MalformedDocument("a zip file, but not a Word document (no word/document.xml)")
        unzipped = sum(info.file_size for info in archive.infolist())
        packed = max(1, sum(info.compress_size for info in archive.infolist()))
        if unzipped > MAX_UNZIPPED or unzipped / packed > MAX_RATIO:
            raise MalformedDocument("the Word document expands to an implausible size (a zip bomb?)")


def _paragraph_text(p) -> str:  # type: ignore[no-untyped-def]
    return "".join((node.text or "") if node.tag == f"{_W}t" else " " for node in p.iter(f"{_W}t", f"{_W}tab"))


def _style_name(p, document) -> str:  # type: ignore[no-untyped-def]
    style_id = p.find(f"{_W}pPr/{_W}pStyle")
    if style_id is None:
        return ""
    sid = style_id.get(f"{_W}val", "")
    for style in document.styles:
        if style.style_id == sid:
            return (style.name or sid).lower()
    return sid.lower()


class _Numbering:
    """Word's list numbering: per list (numId) a counter per level, formatted as the level says."""

    def __init__(self, document) -> None:  # type: ignore[no-untyped-def]
        self.levels: dict[str, dict[int, tuple[int, str, str]]] = {}  # numId -> ilvl -> (start, fmt, text)
        self.counters: dict[str, list[int]] = {}
        try:
            root = document.part.numbering_part.element
        except (NotImplementedError, AttributeError, KeyError):
            return
        abstract: dict[str, dict[int, tuple[int, str, str]]] = {}
        for node in root.iter(f"{_W}abstractNum"):
            levels = {}
            for lvl in node.iter(f"{_W}lvl"):
                start = lvl.find(f"{_W}start")
                fmt = lvl.find(f"{_W}numFmt")
                text = lvl.find(f"{_W}lvlText")
                levels[int(lvl.get(f"{_W}ilvl", "0"))] = (
                    int(start.get(f"{_W}val", "1")) if start is not None else 1,
                    fmt.get(f"{_W}val", "decimal") if fmt is not None else "decimal",
                    text.get(f"{_W}val", "") if text is not None else "",
                )
            abstract[node.get(f"{_W}abstractNumId", "")] = levels
        for num in root.iter(f"{_W}num"):
            ref = num.find(f"{_W}abstractNumId")
            if ref is not None:
                self.levels[num.get(f"{_W}numId", "")] = abstract.get(ref.get(f"{_W}val", ""), {})

    def label(self, p, document) -> str:  # type: ignore[no-untyped-def]
        num_pr = p.find(f"{_W}pPr/{_W}numPr")
        if num_pr is None:
            num_pr = self._style_num_pr(p, document)
        if num_pr is None:
            return ""
        num_id_node, ilvl_node = num_pr.find(f"{_W}numId"), num_pr.find(f"{_W}ilvl")
        num_id = num_id_node.get(f"{_W}val", "") if num_id_node is not None else ""
        ilvl = int(ilvl_node.get(f"{_W}val", "0")) if ilvl_node is not None else 0
        levels = self.levels.get(num_id)
        if not levels or ilvl not in levels:
            return ""
        counters = self.counters.setdefault(num_id, [0] * 9)
        start = levels[ilvl][0]
        counters[ilvl] = counters[ilvl] + 1 if counters[ilvl] else start
        for deeper in range(ilvl + 1, len(counters)):
            counters[deeper] = 0
        _, fmt, text = levels[ilvl]
        if fmt in ("bullet", "none"):
            return ""

        def value(match: re.Match[str]) -> str:
            level = int(match.group(1)) - 1
            level_fmt = levels.get(level, (1, "decimal", ""))[1]
            return _format(counters[level] or levels.get(level, (1,))[0], level_fmt)

        return re.sub(r"%(\d)", value, text)

    @staticmethod
    def _style_num_pr(p, document):  # type: ignore[no-untyped-def]
        style_id = p.find(f"{_W}pPr/{_W}pStyle")
        if style_id is None:
            return None
        for style in document.styles:
            if style.style_id == style_id.get(f"{_W}val"):
                return style.element.find(f"{_W}pPr/{_W}numPr")
        return None


def _format(n: int, fmt: str) -> str:
    if fmt.startswith(("chineseCounting", "ideographTraditional", "japaneseCounting", "taiwaneseCounting")):
        return int_to_cn(n)
    if fmt == "lowerLetter":
        return chr(ord("a") + (n - 1) % 26)
    if fmt == "upperLetter":
        return chr(ord("A") + (n - 1) % 26)
    return str(n)
