"""Several plans at once: one Assistant per document, a document filter, and document-qualified citations.

With one document nothing changes: citations read 【四（二）3】. With several, a citation names its
document, 【南府办函2018-402·四（二）3】, and an answer that draws on two documents says which part comes
from which. A question that names a document (its 文号, its ID, its title, or the place its title
starts with) is answered from that document only, and so is a follow-up of such a question.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from assistant.answer import Answer, BadQuestion, Citation
from assistant.duties import Task
from assistant.question import check
from assistant.service import Assistant, build_assistant
from knowledge.clause import Clause, Plan, Target
from knowledge.library import Document

#: Separates the document from the clause in a qualified ID: 南府办函2018-402·四（二）3.
SEPARATOR = "·"
#: Without a document named or chosen, answers come from at most this many documents: those whose best
#: retrieved sentence is within RETRIEVAL_MARGIN of the best document's (the rest are named, not quoted).
MAX_DOCUMENTS = 3
RETRIEVAL_MARGIN = 0.03
_PLACE = re.compile(r"^([\u4e00-\u9fff]{2,8}?(?:自治区|省|市|县|区|州|盟|旗))")


@dataclass(frozen=True)
class Shelved:
    document: Document
    assistant: Assistant

    @property
    def names(self) -> tuple[str, ...]:
        """How a question may name this document."""
        plan = self.assistant.plan
        names = [self.document.id, plan.doc_number, re.sub(r"[〔〕\[\]【】（）()]", "", plan.doc_number), plan.title]
        if self.document.title != plan.title:
            names.append(self.document.title)
        place = _PLACE.match(plan.title or "")
        if place:
            names.append(place.group(1))
        return tuple(n for n in names if n and len(n) >= 2)


class LibraryAssistant:
    """Answers over every document of the library; the same surface as Assistant for the front doors."""

    def __init__(self, shelf: Sequence[Shelved]):
        if not shelf:
            raise ValueError("the library has no documents")
        self.shelf = list(shelf)
        first = self.shelf[0].assistant
        self.settings = first.settings
        self.plan: Plan = first.plan  # the first document: what single-plan views show
        self.corpus_text = first.corpus_text

    @property
    def embeddings(self):  # type: ignore[no-untyped-def]
        """The one loaded model every document shares."""
        return self.shelf[0].assistant.embeddings

    @property
    def index_report(self):  # type: ignore[no-untyped-def]
        return self.shelf[0].assistant.index_report

    @property
    def qualified(self) -> bool:
        return len(self.shelf) > 1

    def document(self, doc_id: str) -> Shelved | None:
        return next((s for s in self.shelf if s.document.id == doc_id), None)

    def named(self, text: str) -> list[Shelved]:
        """The documents a text names; a name two documents share names neither."""
        found = []
        for shelved in self.shelf:
            others = [n for s in self.shelf if s is not shelved for n in s.names]
            if any(name in text and not any(name in o for o in others) for name in shelved.names):
                found.append(shelved)
        return found

    def ask(self, question: object, history: Sequence[str] = (), document: str = "",
            on_partial: Callable[[str], None] | None = None) -> Answer:
        """``on_partial``: see Assistant.ask; only a one-document answer streams (several are merged)."""
        text = check(question, self.settings.max_question_chars)
        if not self.qualified:
            return self.shelf[0].assistant.ask(text, history, on_partial)
        if document:
            chosen = self.document(document)
            if chosen is None:
                raise BadQuestion(f"文件库中没有“{document}”。")
            targets = [chosen]
        else:
            targets = self.named(text) or next((self.named(h) for h in reversed(list(history)) if self.named(h)), [])
            targets = targets or self.shelf
        if len(targets) == 1:
            return _merged(text, [(targets[0], targets[0].assistant.ask(text, history))])
        # Rank the documents by their nearest sentence (cheap), then answer from the best ones only.
        ranked = sorted(((s, s.assistant.closeness(text)) for s in targets), key=lambda p: p[1], reverse=True)
        chosen = [s for s, score in ranked if score >= ranked[0][1] - RETRIEVAL_MARGIN][:MAX_DOCUMENTS]
        answers = [(s, s.assistant.ask(text, history)) for s in chosen]
        answer = _merged(text, answers)
        left = len(targets) - len(chosen)
        if left > 0 and not answer.refused:
            note = f"\n\n另有 {left} 个文件可能也有相关内容，可在“查找范围”中选择某一文件再问。"
            answer = replace(answer, text=answer.text + note)
        return answer

    # Lookups: a qualified ID names its document, a plain one means the first document.
    def clause(self, raw_id: str) -> Clause | None:
        shelved, local = self._split(raw_id)
        return shelved.assistant.clause(local) if shelved else None

    def plans(self) -> list[tuple[str, Plan]]:
        return [(s.document.id, s.assistant.plan) for s in self.shelf]

    def clause_plan(self, raw_id: str) -> Plan | None:
        shelved, _ = self._split(raw_id)
        return shelved.assistant.plan if shelved else None

    # The web app's single-plan views (原文, 职责查询, 目标指标) show the first document.
    def tasks(self, department: str) -> list[Task]:
        return self.shelf[0].assistant.tasks(department)

    def targets(self) -> list[Target]:
        return self.shelf[0].assistant.targets()

    def tasks_everywhere(self, department: str) -> list[tuple[str, Task]]:
        """A department's tasks in every document, each with its document's ID."""
        return [(s.document.id, t) for s in self.shelf for t in s.assistant.tasks(department)]

    def _split(self, raw_id: str) -> tuple[Shelved | None, str]:
        if SEPARATOR in raw_id:
            doc_id, local = raw_id.split(SEPARATOR, 1)
            return self.document(doc_id.strip()), local.strip()
        return self.shelf[0], raw_id


def qualify(shelved: Shelved, answer: Answer) -> Answer:
    """The answer with its citations and 【】 marks naming the document."""
    prefix = f"{shelved.document.id}{SEPARATOR}"
    text = re.sub(r"【([^【】\n]{1,40})】", lambda m: f"【{prefix}{m.group(1)}】", answer.text)
    citations = tuple(replace(c, clause_id=prefix + c.clause_id) for c in answer.citations)
    hits = tuple(replace(h, clause_id=prefix + h.clause_id) for h in answer.hits)
    return replace(answer, text=text, citations=citations, hits=hits)


def _label(shelved: Shelved) -> str:
    """Which document a part of an answer comes from: its title and its ID."""
    return f"{shelved.document.title}（{shelved.document.id}）"


def _merged(question: str, answers: list[tuple[Shelved, Answer]]) -> Answer:
    answered = [(s, a) for s, a in answers if not a.refused or a.citations]
    if not answered:
        return answers[0][1]  # every document refused: one refusal says so
    if len(answered) == 1:
        shelved, answer = answered[0]
        return qualify(shelved, replace(answer, text=f"{_label(shelved)}：\n{answer.text}"))
    parts: list[str] = []
    citations: list[Citation] = []
    for shelved, answer in answered:
        qualified = qualify(shelved, answer)
        parts.append(f"{_label(shelved)}：\n{qualified.text}")
        citations.extend(qualified.citations)
    first = answered[0][1]
    hits = tuple(h for shelved, answer in answered for h in qualify(shelved, answer).hits)
    return replace(first, question=question, text="\n\n".join(parts), citations=tuple(citations),
                   refused=all(a.refused for _, a in answered), hits=hits)


def _library_documents(settings):  # type: ignore[no-untyped-def]
    """The library's documents, or None when the front door serves one plan (--corpus, no library)."""
    from assistant.settings import BUNDLED_CORPUS
    from knowledge.library import Library

    library = Library(settings.library_dir, settings.corpus_path)
    if settings.corpus_path != BUNDLED_CORPUS or not library.manifest.exists():
        return None
    return library.documents()


def primary_plan_path(settings) -> Path:  # type: ignore[no-untyped-def]
    """The file of the first document served: what single-plan views show."""
    documents = _library_documents(settings)
    return Path(documents[0].path) if documents else Path(settings.corpus_path)


def open_assistant(settings, embeddings=None, progress=None):  # type: ignore[no-untyped-def]
    """The composition root for the front doors: the library's documents when the user has a library
    and did not name a plan (--corpus); otherwise the one plan, as build_assistant gives it."""
    from embeddings.factory import make_embeddings

    documents = _library_documents(settings)
    if documents is None:
        return build_assistant(settings, embeddings=embeddings, progress=progress)
    if len(documents) == 1:
        single = settings.replace(corpus_path=Path(documents[0].path))
        return build_assistant(single, embeddings=embeddings, progress=progress)
    if embeddings is None:
        embeddings = make_embeddings(settings.embedder, cache_dir=settings.cache_dir)
    shelf = [Shelved(d, build_assistant(settings.replace(corpus_path=Path(d.path)), embeddings=embeddings))
             for d in documents]
    if len(shelf) == 1:
        return shelf[0].assistant
    return LibraryAssistant(shelf)
