"""Real plan files in other formats, made from the bundled Markdown plan the way users get them:
a PDF printed by Chromium from HTML, a Word file with automatic list numbering, a GBK text file and a
government-site HTML page with navigation and scripts around the article."""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path

from knowledge.repair import marker

CHROMIUM = Path("/usr/bin/chromium")
_LEVELS = {"part": 0, "subsection": 1, "item": 2}


def _blocks(markdown: str) -> list[tuple[str, str]]:
    """(kind, text): kind "h1"/"h2" for Markdown headings, "p" for paragraphs (hard breaks joined)."""
    out: list[tuple[str, str]] = []
    buf: list[str] = []
    for line in markdown.splitlines() + [""]:
        s = line.strip()
        if not s or s == "---" or s.startswith("#"):
            if buf:
                out.append(("p", "".join(buf)))
                buf = []
            if s.startswith("#"):
                level = len(s) - len(s.lstrip("#"))
                out.append(("h1" if level == 1 else "h2", s.lstrip("#").strip()))
            continue
        buf.append(s)
    return [(kind, text.replace("**", "")) for kind, text in out]


def plan_html(markdown: str, site_chrome: bool = False) -> str:
    body = "\n".join(f"<{k}>{html.escape(t)}</{k}>" for k, t in _blocks(markdown))
    if site_chrome:  # what a 政府信息公开 page puts around the article
        body = (
            '<div class="top"><a href="/">首页</a> <a href="/zwgk">政务公开</a> <a href="/hdjl">互动交流</a></div>'
            "<script>document.write('统计代码'); alert('x')</script>"
            '<nav><ul><li><a href="/a">政策文件</a></li><li><a href="/b">政策解读</a></li></ul></nav>'
            '<div class="main"><div class="sidebar"><h3>相关链接</h3><a href="/c">教育局</a> <a href="/d">财政局</a></div>'
            f'<div class="article-content">{body}</div></div>'
            '<footer>主办：某市人民政府办公室 版权所有 备案号：桂ICP备00000000号</footer>'
        )
    return ('<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>实施方案</title>'
            '<style>body{font-family:"Noto Serif CJK SC",serif;font-size:14pt;line-height:1.6;margin:2cm}'
            f"</style></head><body>{body}</body></html>")


def print_pdf(markdown: str, target: Path) -> Path:
    """The plan printed to PDF by headless Chromium (with its running header and footer)."""
    page = target.with_suffix(".html")
    page.write_text(plan_html(markdown), encoding="utf-8")
    subprocess.run(
        [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", f"--print-to-pdf={target}", str(page)],
        check=True, capture_output=True, timeout=120,
    )
    return target


def write_docx(markdown: str, target: Path) -> Path:
    """A Word file whose 一、/（一）/1. are Word's automatic numbering, not text; headings styled."""
    from docx import Document
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = Document()
    numbering = document.part.numbering_part.element
    levels = (("chineseCounting", "%1、"), ("chineseCounting", "（%2）"), ("decimal", "%3."))
    lvl_xml = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/></w:lvl>'
        for i, (fmt, text) in enumerate(levels)
    )
    numbering.append(parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">{lvl_xml}</w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    for kind, text in _blocks(markdown):
        found = marker(text)
        if found and found[0] in _LEVELS:
            paragraph = document.add_paragraph(found[2])
            num_pr = parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{_LEVELS[found[0]]}"/>'
                               '<w:numId w:val="90"/></w:numPr>')
            paragraph._p.get_or_add_pPr().append(num_pr)
            if kind != "p":
                paragraph.style = document.styles["Heading 2"]
            continue
        if kind == "p":
            document.add_paragraph(text)
        else:
            document.add_heading(text, level=1 if kind == "h1" else 2)
    document.save(str(target))
    return target


def write_gbk(markdown: str, target: Path) -> Path:
    target.write_bytes(markdown.encode("gb18030"))
    return target


def write_site_page(markdown: str, target: Path) -> Path:
    target.write_text(plan_html(markdown, site_chrome=True), encoding="utf-8")
    return target


def squeezed(text: str) -> str:
    return re.sub(r"\s", "", text)


def county_plan(markdown: str) -> str:
    """A second plan: the county's own implementation plan, with its own title, 文号 and figures."""
    text = markdown.replace("南府办函〔2018〕402号", "武府办〔2019〕12号")
    text = text.replace("南宁市人民政府办公厅", "武鸣区人民政府办公室")
    text = text.replace("# 南宁市贯彻《", "# 武鸣区贯彻《").replace("关于印发南宁市贯彻", "关于印发武鸣区贯彻")
    text = text.replace("《南宁市贯彻〈", "《武鸣区贯彻〈")
    assert "学前三年毛入园率达到 96.5%" in text
    return text.replace("学前三年毛入园率达到 96.5%", "学前三年毛入园率达到 95.2%")
