"""Plain text and Markdown in the encodings plans come in: UTF-8 (with or without BOM), UTF-16, GB18030/GBK."""

from __future__ import annotations

from knowledge.parser import MalformedDocument

_CJK_SHARE = 0.9  # of the non-ASCII characters, when the bytes are read as GB18030


def decoded_text(data: bytes) -> str:
    """The text of a plan file. UTF-8 is tried first (it cannot be mistaken: invalid sequences fail);
    then GB18030, a superset of GBK and GB2312, accepted only when what it decodes is Chinese text,
    since it maps most byte pairs to some character."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _checked(data.decode("utf-16"))
    if b"\x00" in data:
        raise MalformedDocument("the file is binary data, not text")
    try:
        return _checked(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = ""
    wide = [ch for ch in text if ord(ch) > 127]
    chinese = sum(1 for ch in wide if _chinese(ch))
    if wide and chinese / len(wide) >= _CJK_SHARE:
        return _checked(text)
    raise MalformedDocument(
        f"not UTF-8 or GB18030 text (undecodable byte at offset {utf8_error.start})"
    ) from utf8_error


def _chinese(ch: str) -> bool:
    code = ord(ch)
    return (0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0x3000 <= code <= 0x303F
            or 0xFF00 <= code <= 0xFFEF or 0x2010 <= code <= 0x2027)


def _checked(text: str) -> str:
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > max(3, len(text) // 100):
        raise MalformedDocument(f"the file looks like binary data ({controls} control characters)")
    return text
