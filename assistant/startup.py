"""A cold start without a dead page: the plan is parsed at once, the models and the index in the background.

The web app is served as soon as the plan is read. Lookups that need only the plan (clauses, duties,
targets) work at once; a question waits for the index for up to ``wait_s`` and otherwise gets a clear
message with the build's progress ("正在建立索引 120/274"). A failed build is reported the same way.
"""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Callable, Sequence

from assistant import question as questions
from assistant.answer import Answer, BadQuestion
from assistant.library import LibraryAssistant, open_assistant, primary_plan_path
from assistant.service import Assistant, PlanLookups
from assistant.settings import Settings
from knowledge.parser import read_plan

log = logging.getLogger(__name__)


class Startup(PlanLookups):
    """An Assistant being built on a background thread, usable where an Assistant is expected."""

    def __init__(
        self,
        settings: Settings,
        build: Callable[..., Assistant | LibraryAssistant] = open_assistant,
        wait_s: float = 60.0,
    ) -> None:
        self.settings = settings
        # The first document's plan at once (a library's first, or the one plan): fails early on a bad file.
        self.plan, self.corpus_text = read_plan(primary_plan_path(settings))
        self.wait_s = wait_s
        self._assistant: Assistant | LibraryAssistant | None = None
        self._error = ""
        self._progress = (0, 0)
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._build, args=(build,), name="index-build", daemon=True)
        self._thread.start()

    def _build(self, build: Callable[..., Assistant | LibraryAssistant]) -> None:
        try:
            self._assistant = build(self.settings, progress=self._on_progress)
        except Exception as exc:  # shown to every user who asks; the process keeps serving lookups
            log.exception("building the assistant failed")
            self._error = str(exc) or type(exc).__name__
        finally:
            self._ready.set()
        # The English questions' index opens at first use (~1.5 s: its model and its vectors); a
        # served app opens it now, once ready, so that the first English question does not wait.
        if isinstance(self._assistant, Assistant):
            try:
                self._assistant.cross_lingual()
            except Exception:  # an English question will try again, and report what fails then
                log.exception("opening the English index failed")
        # What is loaded now (models, index, plan: ~145,000 objects tracked) lives as long as the
        # process: frozen, it is no longer scanned by every full garbage collection, a ~60 ms pause
        # that otherwise lands on whichever question is being answered.
        gc.freeze()

    def _on_progress(self, done: int, total: int) -> None:
        self._progress = (done, total)

    # -- state ------------------------------------------------------------------------------------

    @property
    def ready(self) -> bool:
        return self._ready.is_set() and self._assistant is not None

    def status(self) -> str:
        """What the page shows while starting: "" once ready."""
        if self.ready:
            return ""
        if self._ready.is_set():
            return f"助手启动失败：{self._error}"
        done, total = self._progress
        return f"正在建立索引 {done}/{total}" if total else "正在加载模型…"

    def fraction(self) -> float:
        done, total = self._progress
        return 1.0 if self.ready else (done / total if total else 0.0)

    def clause_plan(self, raw_id: str):  # type: ignore[no-untyped-def]
        assistant = self._assistant
        return assistant.clause_plan(raw_id) if assistant is not None else self.plan

    def clause(self, raw_id: str):  # type: ignore[no-untyped-def]
        assistant = self._assistant  # a library resolves qualified IDs; before it is ready, the first plan
        return assistant.clause(raw_id) if assistant is not None else PlanLookups.clause(self, raw_id)

    def wait(self, timeout: float | None = None) -> Assistant | LibraryAssistant | None:
        self._ready.wait(timeout)
        return self._assistant

    # -- the Assistant's surface --------------------------------------------------------------------

    def ask(self, question: object, history: Sequence[str] = (), document: str = "",
            on_partial: Callable[[str], None] | None = None) -> Answer:
        """``document``: a library document's ID to answer from only ("" = every document);
        ``on_partial``: see Assistant.ask."""
        questions.check(question, self.settings.max_question_chars)  # bad input: its own message at once
        assistant = self.wait(self.wait_s)
        if assistant is None:
            raise BadQuestion(f"助手正在启动（{self.status()}），请稍候再问。")
        if isinstance(assistant, LibraryAssistant):
            return assistant.ask(question, history, document, on_partial)
        return assistant.ask(question, history, on_partial)

    def plans(self):  # type: ignore[no-untyped-def]
        """(document ID, plan) of every plan served; the first plan alone until the build is done."""
        assistant = self._assistant
        return assistant.plans() if assistant is not None else [("", self.plan)]

    def tasks_everywhere(self, department: str):  # type: ignore[no-untyped-def]
        assistant = self._assistant
        if isinstance(assistant, LibraryAssistant):
            return assistant.tasks_everywhere(department)
        return [("", t) for t in self.tasks(department)]

    def reload(self) -> None:
        """Serve the library as it is now (after an add or a remove); the loaded model is reused, and
        indexes already built are opened, not rebuilt. Questions keep going to the old one meanwhile."""
        current = self.wait()
        if current is None:
            raise BadQuestion(f"助手尚未就绪（{self.status()}）")
        self._assistant = open_assistant(self.settings, embeddings=current.embeddings)
