"""PDF with a text layer, through pdfplumber (pdfminer.six), chosen by measurement (README, Formats).

Layout lines become paragraphs again: a line that reaches the right margin continues on the next line
(or the next page); a shorter one ends its paragraph. Running headers and footers (the same line,
digits aside, at the top or bottom of most pages) and page numbers are dropped.
"""

from __future__ import annotations

import io
import logging
import re
from collections import Counter

from knowledge.parser import MalformedDocument

_PAGE_NUMBER = re.compile(r"^\s*(?:[-—–]\s*)?(?:第\s*)?\d+\s*(?:页)?(?:\s*[-—–])?\s*$|^\s*\d+\s*/\s*\d+\s*$")
_EDGE_LINES = 2  # lines at the top and at the bottom of a page that may be running heads
_ENDS = ("。", "；", "！", "？", "：", "”", "」", "）", ".", ";", ":")
#: Chinese line breaking keeps some punctuation off a line's start, so a wrapped line may stop a few
#: characters short of the margin; a line shorter than this (in line heights) ends its paragraph anyway.
_SHORT = 4.0


def pdf_text(data: bytes) -> str:
    import pdfplumber

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # pdfminer raises its own types for damaged or encrypted files
        # pdfplumber wraps pdfminer's error (PDFPasswordIncorrect) in its own type: look at both.
        name = f"{type(exc).__name__} {' '.join(type(a).__name__ for a in exc.args)}"
        if "Password" in name or "Encrypt" in name:
            raise MalformedDocument("the PDF is encrypted; save an unprotected copy and add that") from exc
        raise MalformedDocument(f"not a readable PDF ({name.strip()})") from exc
    with pdf:
        try:
            pages = [page.extract_text_lines() for page in pdf.pages]
        except Exception as exc:
            raise MalformedDocument(f"the PDF cannot be read ({type(exc).__name__})") from exc
    if not any(line["text"].strip() for page in pages for line in page):
        raise MalformedDocument("the PDF has no text layer (a scan?); OCR is not supported, use a text PDF")
    # Blank lines between paragraphs, and larger type marked as a Markdown heading: the same text the
    # Markdown plans give the parser.
    return "\n\n".join(_paragraphs(_without_running_heads(pages)))


def _shape(text: str) -> str:
    return re.sub(r"\d+", "#", text.strip())


def _without_running_heads(pages: list[list[dict]]) -> list[list[dict]]:
    """Drop page numbers and the lines that repeat at the top or bottom of most pages."""
    edges: Counter[str] = Counter()
    for lines in pages:
        for line in {*(_shape(x["text"]) for x in lines[:_EDGE_LINES]), *(_shape(x["text"]) for x in lines[-_EDGE_LINES:])}:
            edges[line] += 1
    repeated = {shape for shape, n in edges.items() if len(pages) >= 3 and n >= max(3, len(pages) // 2)}
    kept = []
    for lines in pages:
        edge = set(range(_EDGE_LINES)) | set(range(len(lines) - _EDGE_LINES, len(lines)))
        kept.append([
            line for i, line in enumerate(lines)
            if not (i in edge and (_shape(line["text"]) in repeated or _PAGE_NUMBER.match(line["text"])))
        ])
    return kept


def _size(line: dict) -> float:
    sizes = sorted(float(c.get("size", 0.0)) for c in line.get("chars", ()) if str(c.get("text", "")).strip())
    return sizes[len(sizes) // 2] if sizes else 0.0


def _paragraphs(pages: list[list[dict]]) -> list[str]:
    """Lines joined into paragraphs: a line that ends short of the right margin ends its paragraph, and
    so does a change of type size. A paragraph set larger than the body text becomes a heading."""
    lines = [line for page in pages for line in page if line["text"].strip()]
    right = max((float(line["x1"]) for line in lines), default=0.0)
    weighted = sorted((_size(line), len(line["text"])) for line in lines)
    total, body = sum(n for _, n in weighted), 0.0
    for size, n in weighted:  # the size of the median character: the body text's
        total -= 2 * n
        if total <= 0:
            body = size
            break
    out: list[str] = []
    current, current_size = "", 0.0

    def flush() -> None:
        nonlocal current
        if current:
            out.append(f"# {current}" if body and current_size >= 1.15 * body else current)
        current = ""

    for line in lines:
        text, size = line["text"].strip(), _size(line)
        if current and abs(size - current_size) > 0.1 * max(size, current_size):
            flush()
        current, current_size = _join(current, text), size
        height = max(1.0, float(line["bottom"]) - float(line["top"]))
        gap = right - float(line["x1"])
        if gap > _SHORT * height or (gap > 1.5 * height and text.endswith(_ENDS)):  # the paragraph is over
            flush()
    flush()
    return out


def _join(left: str, right: str) -> str:
    """Two pieces of one paragraph: CJK text joins without a space, Latin words with one."""
    if not left:
        return right
    if left[-1].isascii() and left[-1].isalnum() and right[:1].isascii() and right[:1].isalnum():
        return f"{left} {right}"
    return left + right
