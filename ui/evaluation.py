"""The 评测 tab: run a question file through the assistant and show metrics, a chart, failures and the report.

``add_eval_tab`` is called by ui/page.py inside the page's ``gr.Tabs``. The work happens in plain
functions (``run_evaluation``, ``question_frame``, ``chart_svg``) so tests can call them without a browser;
the gradio handlers only unpack an ``EvalView`` into components.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import gradio as gr
import pandas as pd

from assistant.service import Assistant
from eval.harness import EvalRun, run_eval
from eval.metrics import METRICS
from eval.questions import QuestionFileError, default_questions_path, load_questions
from eval.report import KEY_METRICS, format_value, write_report
from ui.eval_labels import metric_label, metric_scope, problem_zh, reason_zh, type_label
from ui.render import esc

CHART_METRICS = (("fact_recall", "要点召回率", "#2563eb"),
                 ("citation_precision", "引用精确率", "#16a34a"))
QUESTION_COLUMNS = ["编号", "题型", "问题", "回答", "未通过原因"]
METRIC_COLUMNS = ["指标", "数值", "统计范围"]
#: A validator report longer than this is cut; the author fixes the first ones and uploads again.
MAX_PROBLEMS_SHOWN = 100
ANSWER_PREVIEW_CHARS = 400
_FOLDER = Path(tempfile.gettempdir()) / "policy-assistant-eval"

ProgressFn = Callable[[int, int], None]


@dataclass(frozen=True)
class EvalView:
    """Everything the tab shows after one run (or after a rejected question file)."""

    message: str  # escaped HTML status line(s)
    metrics: pd.DataFrame
    by_type: pd.DataFrame
    chart: str  # inline SVG (escaped), empty without a run
    rows: list[dict[str, Any]] = field(default_factory=list)  # every question's row, with "failed"
    reports: dict[str, Path] = field(default_factory=dict)  # "html", "json", "md" → written files

    @property
    def ok(self) -> bool:
        return bool(self.reports)


def _status(text: str, kind: str = "ok") -> str:
    return f'<div class="status {kind}">{text}</div>'


def _empty(message: str) -> EvalView:
    return EvalView(message, pd.DataFrame(columns=METRIC_COLUMNS), pd.DataFrame(), "")


def problems_html(problems: Sequence[str], skipped: bool = False) -> str:
    """The validator's messages ("line N: …"), escaped, as a list the file author can work through;
    ``skipped``: the valid lines were evaluated and these lines were left out."""
    shown = "".join(f"<li><code>{esc(problem_zh(p))}</code></li>" for p in problems[:MAX_PROBLEMS_SHOWN])
    more = len(problems) - MAX_PROBLEMS_SHOWN
    tail = f"<li>…另有 {more} 处问题未列出</li>" if more > 0 else ""
    head = (f"<b>题目文件有 {len(problems)} 处问题，这些行已跳过，其余题目照常评测：</b>" if skipped
            else f"<b>题目文件有 {len(problems)} 处问题，未开始评测。</b>请修改后重新上传：")
    return _status(f"{head}<ul>{shown}{tail}</ul>", "notice")


def metrics_frame(run: EvalRun) -> pd.DataFrame:
    rows = [[metric_label(m.name), format_value(m.name, run.metrics.get(m.name)), metric_scope(m.name)]
            for m in METRICS]
    return pd.DataFrame(rows, columns=METRIC_COLUMNS)


def by_type_frame(run: EvalRun) -> pd.DataFrame:
    counts: dict[str, int] = {}
    for result in run.results:
        counts[result.question.type] = counts.get(result.question.type, 0) + 1
    rows = [
        [type_label(qtype), counts.get(qtype, 0), *(format_value(n, values.get(n)) for n in KEY_METRICS)]
        for qtype, values in run.by_type.items()
    ]
    return pd.DataFrame(rows, columns=["题型", "题数", *(metric_label(n) for n in KEY_METRICS)])


def chart_svg(by_type: Mapping[str, Mapping[str, float | None]]) -> str:
    """Horizontal bars of fact_recall and citation_precision per question type, as self-contained SVG."""
    if not by_type:
        return ""
    label_w, bar_w, bar_h, gap = 190, 360, 12, 14
    row_h = bar_h * len(CHART_METRICS) + gap
    top = 34
    height = top + row_h * len(by_type) + 6
    width = label_w + bar_w + 60
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="eval-chart" viewBox="0 0 {width} {height}" '
        f'width="100%" style="max-width:{width}px;font-size:12px" aria-label="各题型要点召回率与引用精确率">'
    ]
    for i, (_, legend, color) in enumerate(CHART_METRICS):
        x = label_w + i * 200
        parts.append(f'<rect x="{x}" y="6" width="12" height="12" fill="{color}"/>'
                     f'<text x="{x + 16}" y="16" fill="currentColor">{esc(legend)}</text>')
    for row, (qtype, values) in enumerate(by_type.items()):
        y = top + row * row_h
        parts.append(f'<text x="{label_w - 8}" y="{y + bar_h + 3}" text-anchor="end" fill="currentColor">'
                     f"{esc(type_label(qtype))}</text>")
        for i, (name, _, color) in enumerate(CHART_METRICS):
            value = values.get(name)
            by = y + i * bar_h
            length = 0.0 if value is None else max(0.0, min(1.0, value)) * bar_w
            parts.append(f'<rect x="{label_w}" y="{by}" width="{length:.1f}" height="{bar_h - 2}" fill="{color}">'
                         f"<title>{esc(type_label(qtype))} {esc(metric_label(name))} {esc(format_value(name, value))}</title>"
                         "</rect>")
            parts.append(f'<text x="{label_w + length + 4:.1f}" y="{by + bar_h - 3}" fill="currentColor">'
                         f"{esc(format_value(name, value))}</text>")
    parts.append("</svg>")
    return "".join(parts)


def question_rows(run: EvalRun) -> list[dict[str, Any]]:
    rows = []
    for result in run.results:
        q = result.question
        text = result.answer.get("answer", "") if result.answer is not None else "（回答时出错）"
        if len(text) > ANSWER_PREVIEW_CHARS:
            text = text[:ANSWER_PREVIEW_CHARS] + "…"
        rows.append({"编号": q.id, "题型": type_label(q.type), "问题": q.question, "回答": text,
                     "未通过原因": "；".join(reason_zh(r) for r in result.failures), "failed": result.failed})
    return rows


def question_frame(rows: Sequence[Mapping[str, Any]], only_failed: bool) -> pd.DataFrame:
    """The question table, optionally only the questions that did not pass."""
    picked = [r for r in rows if r.get("failed") or not only_failed]
    return pd.DataFrame([[r[c] for c in QUESTION_COLUMNS] for r in picked], columns=QUESTION_COLUMNS)


def run_evaluation(
    assistant: Assistant,
    file_path: str | Path | None,
    limit: float | None = None,
    progress: ProgressFn | None = None,
    report_dir: Path | None = None,
) -> EvalView:
    """Validate the question file (the bundled set when None), answer the first ``limit`` questions
    (all when empty or < 1), score them and write report.html/.json/.md into report_dir (a new temp
    folder by default). A bad file yields its validator messages, never an exception."""
    path = Path(file_path) if file_path else default_questions_path()
    source = "内置开发集" if not file_path else f"上传文件 {path.name}"
    skipped = ""
    try:
        questions = load_questions(path, assistant.plan)
    except QuestionFileError as error:
        if not error.valid:
            return _empty(problems_html(error.problems))
        # The valid lines run; the invalid ones are listed with their line numbers.
        questions, skipped = error.valid, problems_html(error.problems, skipped=True)
    total = len(questions)
    if limit is not None and int(limit) >= 1:
        questions = questions[: int(limit)]
    run = run_eval(questions, assistant.ask, assistant.plan, progress=progress)
    if report_dir is None:
        _FOLDER.mkdir(parents=True, exist_ok=True)
        report_dir = Path(tempfile.mkdtemp(prefix="run-", dir=_FOLDER))
    reports = write_report(run, report_dir)
    count = len(run.results)
    scope = f"前 {count} 题（共 {total} 题）" if count < total else f"全部 {count} 题"
    message = _status(
        f"已评测{esc(source)}的{scope}：未通过 {len(run.failed)} 题，用时 {run.duration_s:.1f} 秒。"
    ) + skipped
    return EvalView(message, metrics_frame(run), by_type_frame(run), chart_svg(run.by_type),
                    question_rows(run), reports)


def add_eval_tab(assistant: Assistant) -> None:
    with gr.Tab("评测", id="eval"):
        bundled = default_questions_path()
        try:
            bundled_count = len(load_questions(bundled, assistant.plan))
        except QuestionFileError:  # a broken bundled set must not stop the app; running it shows why
            bundled_count = 0
        gr.Markdown(
            "#### 评测\n"
            "上传题目文件（JSON Lines，每行一个问题，字段见 `eval/questions.py`），"
            f"未上传时使用内置开发集（{bundled_count} 题）。评测逐题调用本助手并打分，"
            "结果包括检索命中率、引用精确率/召回率、事实召回率、拒答正确率等。\n\n"
            "说明：网页版不运行 vanilla 基线对比（太慢，不适合交互使用）；"
            "需要基线对比请在命令行运行 `policy-assistant eval`。"
        )
        with gr.Row():
            upload = gr.File(label="题目文件（.jsonl，可选）", file_types=[".jsonl", ".json", ".txt"],
                             type="filepath", scale=3)
            with gr.Column(scale=1):
                limit = gr.Number(label="只评测前 N 题（0 表示全部）", value=0, minimum=0, precision=0)
                start = gr.Button("开始评测", variant="primary")
        status = gr.HTML(js_on_load=None, elem_id="eval-status")
        with gr.Row():
            html_button = gr.DownloadButton("下载报告 report.html", visible=False, size="sm")
            json_button = gr.DownloadButton("下载数据 report.json", visible=False, size="sm")
        with gr.Row():
            metrics_df = gr.Dataframe(label="总体指标", headers=METRIC_COLUMNS, interactive=False, wrap=True,
                                      column_widths=["30%", "20%", "50%"],
                                      max_height=2000, scale=1, min_width=340)  # every metric, no inner scroll
            # min_width: on a phone the table and the chart stack instead of sharing 390 px.
            chart = gr.HTML(js_on_load=None, label="各题型要点召回率 / 引用精确率", scale=1, min_width=340)
        by_type_df = gr.Dataframe(label="按题型", interactive=False, wrap=True)
        only_failed = gr.Checkbox(label="只看未通过", value=True)
        questions_df = gr.Dataframe(label="逐题结果", headers=QUESTION_COLUMNS, interactive=False, wrap=True,
                                    max_height=600, column_widths=["8%", "12%", "25%", "30%", "25%"])
        rows = gr.State([])

        # gradio finds its progress tracker by this default value, so the call must stay in the signature.
        def on_run(file_path: str | None, n: float | None, failed_only: bool,
                   progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008
            progress(0, desc="准备题目…")

            def step(done: int, total: int) -> None:
                progress((done, total), desc="评测中", unit="题")

            try:
                view = run_evaluation(assistant, file_path, n, progress=step)
            except Exception as error:  # shown in the page; the traceback stays in the server log
                view = _empty(_status(f"评测失败：{esc(type(error).__name__)}: {esc(error)}", "notice"))
            reports = view.reports
            return (
                view.message, view.metrics, view.by_type, view.chart, view.rows,
                question_frame(view.rows, failed_only),
                gr.DownloadButton(value=str(reports["html"]) if view.ok else None, visible=view.ok),
                gr.DownloadButton(value=str(reports["json"]) if view.ok else None, visible=view.ok),
            )

        # One run at a time: an evaluation keeps both cores busy and the chat must stay usable.
        start.click(on_run, [upload, limit, only_failed],
                    [status, metrics_df, by_type_df, chart, rows, questions_df, html_button, json_button],
                    concurrency_limit=1, concurrency_id="eval-run", api_visibility="private")
        only_failed.change(question_frame, [rows, only_failed], [questions_df], api_visibility="private")
