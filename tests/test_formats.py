"""Plans from PDF, Word, HTML and GBK text give the same clause tree as the Markdown, and bad files a
clear message. Every fixture is a real file: the PDF is printed by Chromium, the DOCX written by
python-docx with Word's automatic list numbering (tests/plan_files.py)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from knowledge.formats import read_document, sniff
from knowledge.parser import MalformedDocument, load_plan, parse_plan
from tests.plan_files import CHROMIUM, print_pdf, squeezed, write_docx, write_gbk, write_site_page

MAKERS = {"pdf": print_pdf, "docx": write_docx, "gbk.txt": write_gbk, "html": write_site_page}


@pytest.fixture(scope="module")
def markdown(corpus_plan) -> str:
    from assistant.settings import BUNDLED_CORPUS

    return BUNDLED_CORPUS.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def plan_files(markdown, tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("plan-files")
    made = {}
    for suffix, make in MAKERS.items():
        if suffix == "pdf" and not CHROMIUM.exists():
            continue
        made[suffix] = make(markdown, folder / f"plan.{suffix}")
    return made


@pytest.mark.parametrize("kind", list(MAKERS))
def test_every_format_gives_the_markdown_clause_tree(plan_files, corpus_plan, kind: str) -> None:
    if kind not in plan_files:
        pytest.skip("needs Debian's chromium to print the PDF")
    plan = load_plan(plan_files[kind])
    assert [c.id for c in plan] == [c.id for c in corpus_plan]
    for ours, theirs in zip(plan, corpus_plan, strict=True):
        assert squeezed(ours.text) == squeezed(theirs.text), ours.id
        assert ours.duty == theirs.duty, ours.id
    assert plan.targets() == corpus_plan.targets()
    assert plan.title == corpus_plan.title and plan.doc_number == corpus_plan.doc_number
    assert not plan.warnings


def test_pdf_running_heads_and_page_numbers_are_gone(plan_files) -> None:
    if "pdf" not in plan_files:
        pytest.skip("needs chromium")
    text = read_document(plan_files["pdf"])
    assert "file://" not in text and "/17" not in text, "Chromium's footer (URL, page n/N) is dropped"
    assert "PM" not in text and "AM" not in text, "and its header (date, title)"
    assert "⼈" not in text and "⺠" not in text, "radical code points from the font are read as characters"


def test_html_page_keeps_the_article_and_drops_the_site(plan_files) -> None:
    text = read_document(plan_files["html"])
    for chrome in ("首页", "政务公开", "相关链接", "备案号", "统计代码", "alert"):
        assert chrome not in text, chrome


def test_docx_numbering_is_read_from_words_list_definitions(plan_files) -> None:
    text = read_document(plan_files["docx"])
    from docx import Document

    raw = "\n".join(p.text for p in Document(str(plan_files["docx"])).paragraphs)
    assert "（二）实施义务教育优质均衡工程" not in raw, "the fixture's numbers are Word's, not text"
    assert "（二）实施义务教育优质均衡工程" in text and "3.实现义务教育基本均衡发展县县全覆盖" in text.replace(" ", "")


def test_type_comes_from_the_content_not_the_name(plan_files, tmp_path) -> None:
    disguised = tmp_path / "plan.md"
    disguised.write_bytes(plan_files["docx"].read_bytes())
    assert sniff(disguised.read_bytes()) == "docx"
    assert [c.id for c in load_plan(disguised)] == [c.id for c in load_plan(plan_files["docx"])]


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _image_only_pdf(tmp_path: Path) -> Path:
    page = tmp_path / "scan.html"
    page.write_text('<html><body><svg width="400" height="600"><rect width="400" height="600" fill="#ccc"/>'
                    "</svg></body></html>", encoding="utf-8")
    target = tmp_path / "scan.pdf"
    import subprocess

    subprocess.run([str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                    f"--print-to-pdf={target}", str(page)], check=True, capture_output=True, timeout=120)
    return target


def _encrypted_pdf(source: Path, tmp_path: Path) -> Path:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(str(source)).pages:
        writer.add_page(page)
    writer.encrypt(user_password="secret", owner_password="owner")
    target = tmp_path / "locked.pdf"
    with open(target, "wb") as out:
        writer.write(out)
    return target


@pytest.mark.parametrize("case", ["scan", "encrypted", "zip bomb", "zip not docx", "damaged pdf", "latin-1",
                                  "empty docx"])
def test_bad_files_get_a_clear_message(plan_files, tmp_path, case: str) -> None:
    path = tmp_path / "bad"
    if case in ("scan", "encrypted"):
        if "pdf" not in plan_files:
            pytest.skip("needs chromium")
        path = _image_only_pdf(tmp_path) if case == "scan" else _encrypted_pdf(plan_files["pdf"], tmp_path)
    elif case == "zip bomb":
        path.write_bytes(_zip({"word/document.xml": b"\0" * 50_000_000}))
    elif case == "zip not docx":
        path.write_bytes(_zip({"hello.txt": "你好".encode()}))
    elif case == "damaged pdf":
        path.write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 100)
    elif case == "latin-1":
        path.write_bytes("Déjà vu, naïve café, ½ £".encode("latin-1") * 20)
    elif case == "empty docx":
        from docx import Document

        Document().save(str(path))
    expected = {"scan": "no text layer", "encrypted": "encrypted", "zip bomb": "zip bomb",
                "zip not docx": "not a Word document", "damaged pdf": "PDF", "latin-1": "GB18030",
                "empty docx": "no text"}[case]
    with pytest.raises(MalformedDocument, match=expected) as info:
        load_plan(path)
    assert str(path) in str(info.value)


def test_gbk_text_is_detected_not_guessed(markdown, tmp_path) -> None:
    gbk = write_gbk(markdown, tmp_path / "plan.txt")
    with pytest.raises(UnicodeDecodeError):
        gbk.read_bytes().decode("utf-8")
    assert read_document(gbk) == markdown
    assert parse_plan(read_document(gbk)).title


def test_the_assistant_answers_from_a_pdf(plan_files, assistant_settings, e5) -> None:
    if "pdf" not in plan_files:
        pytest.skip("needs chromium")
    from assistant.service import build_assistant

    pdf_assistant = build_assistant(assistant_settings.replace(corpus_path=plan_files["pdf"]), embeddings=e5)
    answer = pdf_assistant.ask("2019年学前三年毛入园率目标是多少？")
    assert "96.5%" in answer.text and answer.citations[0].clause_id == "三（二）"
    for citation in answer.citations:
        assert citation.quote in pdf_assistant.plan.full_text(citation.clause_id)
