"""Reading plans from the files users have: PDF, Word (DOCX), HTML pages, and text in any common encoding.

``read_document(path)`` returns the plan's text, one paragraph per line, ready for ``parse_plan``. The
type is told from the content, never from the file name. Every reader raises ``MalformedDocument``
with a message for the user when a file cannot be read as a plan.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path

from knowledge.parser import MalformedDocument

#: Larger files are refused before they are read (a plan is tens of kilobytes of text).
MAX_BYTES = 50 * 1024 * 1024
_ALIASES = Path(__file__).resolve().parent.parent / "data" / "glyph-aliases.tsv"


def sniff(data: bytes) -> str:
    """"pdf", "docx", "html" or "text", from the first bytes."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "docx"
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html")) or b"<body" in head:
        return "html"
    return "text"


def read_document(path: Path) -> str:
    """The text of a plan file, whatever its format."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise MalformedDocument(f"{path}: cannot read ({exc.strerror or exc})") from exc
    if size > MAX_BYTES:
        raise MalformedDocument(f"{path}: the file is too large ({size // 1024 // 1024} MB > {MAX_BYTES // 1024 // 1024} MB)")
    data = path.read_bytes()
    if not data.strip():
        raise MalformedDocument(f"{path}: the file is empty")
    kind = sniff(data)
    try:
        if kind == "pdf":
            from knowledge.formats.pdf import pdf_text

            text = pdf_text(data)
        elif kind == "docx":
            from knowledge.formats.docx import docx_text

            text = docx_text(data)
        elif kind == "html":
            from knowledge.formats.html import html_text

            text = html_text(data)
        else:
            from knowledge.formats.text import decoded_text

            text = decoded_text(data)
    except MalformedDocument as exc:
        raise MalformedDocument(f"{path}: {exc}") from exc
    return normalized(text)


def normalized(text: str) -> str:
    """Compatibility forms folded (NFKC would also fold full-width punctuation, which the plan's
    clause IDs use, so only radicals and the glyph aliases are mapped)."""
    aliases = _aliases()
    # NFC first: it maps singletons such as U+2329 〈 to U+3008 〈, which PDFs produce.
    return "".join(aliases.get(ch) or _kangxi(ch) for ch in unicodedata.normalize("NFC", text))


def _kangxi(ch: str) -> str:
    # Kangxi radicals (U+2F00–U+2FD5) stand for the ideographs NFKC maps them to.
    return unicodedata.normalize("NFKC", ch) if "\u2f00" <= ch <= "\u2fd5" else ch


@lru_cache(maxsize=1)
def _aliases() -> dict[str, str]:
    table = {}
    for line in _ALIASES.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            code, char, _ = line.split("\t", 2)
            table[chr(int(code, 16))] = char
    return table
