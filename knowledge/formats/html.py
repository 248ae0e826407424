"""A plan published as a web page (政府信息公开): the article body, without navigation, scripts or footer.

The page is parsed, never run: scripts, styles and frames are dropped before anything is read.
"""

from __future__ import annotations

import re

from knowledge.parser import MalformedDocument

_DROP_TAGS = ("script", "style", "noscript", "iframe", "object", "embed", "template", "nav", "header",
              "footer", "aside", "form", "select", "button")
_CHROME = re.compile(r"nav|menu|footer|header|sidebar|breadcrumb|share|copyright|banner|toolbar|related",
                     re.IGNORECASE)
_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "th", "pre", "blockquote", "div", "section",
           "article", "dd", "dt"}
_HEADINGS = {"h1", "h2", "h3"}
#: A child that holds this share of its parent's text is where the article is.
_DESCEND = 0.8


def html_text(data: bytes) -> str:
    import lxml.html

    try:
        root = lxml.html.document_fromstring(data)
    except Exception as exc:  # lxml's parser errors on garbage
        raise MalformedDocument(f"not a readable web page ({type(exc).__name__})") from exc
    for element in list(root.iter(*_DROP_TAGS)):
        element.drop_tree()
    for element in list(root.iter()):
        names = f"{element.get('class', '')} {element.get('id', '')}"
        if isinstance(element.tag, str) and element.tag not in ("html", "body") and _CHROME.search(names):
            element.drop_tree()
    body = root.find("body")
    article = _article(body if body is not None else root)
    lines = [line for line in _block_lines(article) if line]
    if not lines:
        raise MalformedDocument("the web page has no article text")
    return "\n\n".join(lines)


def _text_size(element) -> int:  # type: ignore[no-untyped-def]
    """Characters of text outside links: navigation is mostly links, an article is mostly text."""
    total = len(re.sub(r"\s", "", element.text_content()))
    links = sum(len(re.sub(r"\s", "", a.text_content())) for a in element.iter("a"))
    return total - links


def _article(element):  # type: ignore[no-untyped-def]
    """The deepest element that still holds most of the page's text."""
    while True:
        size = _text_size(element)
        children = [c for c in element if isinstance(c.tag, str)]
        best = max(children, key=_text_size, default=None)
        if best is None or size == 0 or _text_size(best) < _DESCEND * size:
            return element
        element = best


def _block_lines(element) -> list[str]:  # type: ignore[no-untyped-def]
    """One line per innermost block element, in document order; h1–h3 as Markdown headings."""
    out: list[str] = []
    inner_blocks = [c for c in element.iterdescendants() if isinstance(c.tag, str) and c.tag in _BLOCKS]
    if not inner_blocks:
        text = " ".join(element.text_content().split())
        return [text] if text else []
    for block in inner_blocks:
        if any(isinstance(d.tag, str) and d.tag in _BLOCKS for d in block.iterdescendants()):
            continue  # its inner blocks are read on their own
        text = " ".join(block.text_content().split())
        if text:
            out.append(f"# {text}" if block.tag in _HEADINGS else text)
    return out
