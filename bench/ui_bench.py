"""Web app benchmark: page load, streamed answers, and latency under concurrent users (loopback only).

    .venv/bin/python bench/ui_bench.py                    # starts its own app on 127.0.0.1 (extractive mode)
    .venv/bin/python bench/ui_bench.py --url http://127.0.0.1:7860/ --users 20 --rounds 5

Starts ``app.py`` in its own process unless --url is given. Prints: page load time; time to the first
streamed answer text and to the full answer for 20 questions, one user at a time; p50/p95 full-answer
latency with N concurrent simulated users (threads, each its own session, a bounded number of
questions each), once speaking the browser's queue protocol and once through gradio_client; the error
count. Exits 1 when any request failed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
ROOT = Path(__file__).resolve().parent.parent

import httpx  # noqa: E402
from gradio_client import Client  # noqa: E402

QUESTIONS = [
    "2018年学前三年毛入园率目标是多少？",
    "2019年高中阶段毛入学率要达到多少？",
    "2020年九年义务教育巩固率的目标是什么？",
    "市财政局负责哪些任务？",
    "实现义务教育基本均衡发展县县全覆盖由哪些单位负责？",
    "四（二）3 的内容是什么？",
    "如何加强教师队伍建设？",
    "柳州市的学前教育目标是什么？",
    "名师工作室要建设多少个？",
    "怎样扶持普惠性民办幼儿园？",
    "特殊教育有哪些措施？",
    "谁负责教育信息化基础能力建设？",
    "市人社局参与了哪些任务？",
    "如何保障随迁子女就学权利？",
    "2025年的教育目标是什么？",
    "自治区示范性普通高中要创建几所？",
    "南宁学院要做什么？",
    "如何加强农村留守儿童关爱保护？",
    "职业院校办学条件怎么改善？",
    "这个方案是哪次会议审议通过的？",
]
ANSWERED = ('class="bubble answer"', 'class="bubble refusal"')  # a streamed update carrying answer text
LOOPBACK = ("127.", "localhost", "[::1]", "::1")


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))
    return ordered[rank]


def new_client(url: str) -> Client:
    return Client(url, verbose=False, download_files=False, analytics_enabled=False)


class BrowserLikeUser:
    """Speaks the page's own queue protocol (join, then read the SSE stream), as the browser does.

    gradio_client polls its message queue every 50 ms, which would add up to 50 ms per message to
    every measurement; this reads the stream as the bytes arrive.
    """

    def __init__(self, url: str):
        config = httpx.get(url + "config", timeout=30).json()
        chat = next(d for d in config["dependencies"] if d.get("api_name") == "chat")
        self.url, self.fn_index, self.trigger = url, chat["id"], chat["targets"][0][0]
        self.session = uuid.uuid4().hex[:12]
        self.answered = 0  # answers in this session's transcript so far
        self.http = httpx.Client(timeout=60)

    def chat(self, question: str) -> tuple[float, float]:
        """(ms to the first update with answer text, ms to the complete answer)."""
        start = time.perf_counter()
        first = None
        body = {"data": [question, None], "fn_index": self.fn_index, "session_hash": self.session,
                "event_data": None, "trigger_id": self.trigger}
        self.http.post(self.url + "gradio_api/queue/join", json=body).raise_for_status()
        params = {"session_hash": self.session}
        with self.http.stream("GET", self.url + "gradio_api/queue/data", params=params) as stream:
            for line in stream.iter_lines():
                if not line.startswith("data:"):
                    continue
                # Updates carry the whole transcript: this turn is answered once it holds one more answer.
                if first is None and sum(line.count(m.replace('"', '\\"')) for m in ANSWERED) > self.answered:
                    first = time.perf_counter()
                message = json.loads(line[5:])
                if message.get("msg") == "process_completed":
                    if not message.get("success"):
                        raise RuntimeError(f"answer failed: {message.get('output')}")
                    end = time.perf_counter()
                    self.answered += 1
                    return ((first or end) - start) * 1000, (end - start) * 1000
        raise RuntimeError("the stream closed before the answer completed")

    def close(self) -> None:
        self.http.close()


def client_chat(client: Client, question: str) -> tuple[float, float]:
    start = time.perf_counter()
    client.predict(question, api_name="/chat")
    full = (time.perf_counter() - start) * 1000
    return full, full


def page_load_ms(url: str) -> dict[str, float]:
    out: dict[str, float] = {}
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=30) as response:
        response.read()
    out["html (GET /)"] = (time.perf_counter() - start) * 1000
    chromium = Path("/usr/bin/chromium")
    if chromium.exists():
        from playwright.sync_api import sync_playwright

        args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--disable-sync"]
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(chromium), args=args)
            for label in ("browser, cold", "browser, warm"):
                page = browser.new_page()
                start = time.perf_counter()
                page.goto(url)
                page.wait_for_selector("#question textarea", timeout=30_000)
                out[label + " (until the question box shows)"] = (time.perf_counter() - start) * 1000
                page.close()
            browser.close()
    return out


def sequential(url: str, questions: Sequence[str]) -> tuple[list[float], list[float]]:
    user = BrowserLikeUser(url)
    user.chat(questions[0])  # warm-up: first-request costs are not what users see later
    firsts, fulls = [], []
    for question in questions:
        first, full = user.chat(question)
        firsts.append(first)
        fulls.append(full)
    user.close()
    return firsts, fulls


def concurrent(
    url: str, users: int, rounds: int, questions: Sequence[str], with_gradio_client: bool, think: float
) -> tuple[list[float], list[str], float]:
    """``users`` threads, each its own session, each asking ``rounds`` questions.

    Between two questions a user pauses a random 0.5–1.5 × ``think`` seconds (reading the answer);
    ``think=0`` fires them back to back, which saturates the server rather than modelling people.
    """
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    clients = [new_client(url) if with_gradio_client else BrowserLikeUser(url) for _ in range(users)]
    barrier = threading.Barrier(users)

    def user(index: int) -> None:
        pace = random.Random(index)
        barrier.wait()
        time.sleep(think * pace.uniform(0, 1))  # people do not all press Enter at the same instant
        for r in range(rounds):
            if r and think:
                time.sleep(think * pace.uniform(0.5, 1.5))
            question = questions[(index * rounds + r) % len(questions)]
            try:
                c = clients[index]
                _, full = client_chat(c, question) if isinstance(c, Client) else c.chat(question)
                with lock:
                    latencies.append(full)
            except Exception as exc:  # noqa: BLE001 - every failure is counted and reported
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=user, args=(i,)) for i in range(users)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    wall = time.perf_counter() - start
    for c in clients:
        c.close()
    return latencies, errors, wall


def start_app(data_dir: Path) -> tuple[subprocess.Popen, str]:
    """``python app.py`` in its own process, so the simulated users do not share its interpreter."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = dict(os.environ, POLICY_ASSISTANT_DATA_DIR=str(data_dir), POLICY_ASSISTANT_HOST="127.0.0.1",
               POLICY_ASSISTANT_PORT=str(port), POLICY_ASSISTANT_COMPOSER="extractive")
    env.pop("POLICY_ASSISTANT_AUTH_USER", None)
    server = subprocess.Popen([sys.executable, str(ROOT / "app.py")], env=env, cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if httpx.get(url + "config", timeout=2).status_code == 200:
                return server, url
        except httpx.HTTPError:
            time.sleep(0.5)
    server.kill()
    raise SystemExit(f"the app did not start (exit code {server.poll()})")


def report(label: str, latencies: list[float], errors: list[str], wall: float) -> None:
    print(f"  {label}: requests {len(latencies) + len(errors)}, errors {len(errors)}, wall {wall:.1f} s, "
          f"{len(latencies) / wall:.1f} answers/s")
    if latencies:
        print(f"    full answer  p50 {percentile(latencies, 50):6.0f} ms   p95 {percentile(latencies, 95):6.0f} ms"
              f"   max {max(latencies):6.0f} ms")
    for error in errors[:5]:
        print(f"    error: {error}")


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--url", help="a running app on this machine (default: start one)")
    p.add_argument("--data-dir", type=Path, help="index/cache folder for the app this starts (default: a temp dir)")
    p.add_argument("--users", type=int, default=20)
    p.add_argument("--rounds", type=int, default=5, help="questions per simulated user")
    p.add_argument("--think", type=float, default=1.0, help="mean pause between a user's questions, seconds")
    args = p.parse_args(argv)
    if not 1 <= args.users <= 64 or not 1 <= args.rounds <= 50:
        p.error("--users must be 1..64 and --rounds 1..50 (this is a bounded benchmark)")
    server, url = None, args.url
    if url is None:
        data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="ui-bench-"))
        t0 = time.perf_counter()
        server, url = start_app(data_dir)
        print(f"app started at {url} in {time.perf_counter() - t0:.1f} s (data dir {data_dir})")
    url = url if url.endswith("/") else url + "/"
    host = urlsplit(url).hostname or ""
    if not host.startswith(LOOPBACK) and host != "localhost":
        p.error("the benchmark only targets this machine (127.0.0.0/8, localhost, ::1)")
    try:
        print("\n== page load ==")
        for label, ms in page_load_ms(url).items():
            print(f"  {label:<52} {ms:6.0f} ms")
        firsts, fulls = sequential(url, QUESTIONS)
        print(f"\n== {len(QUESTIONS)} questions, one user at a time (/chat, streamed) ==")
        print(f"  first answer text  p50 {percentile(firsts, 50):6.0f} ms   p95 {percentile(firsts, 95):6.0f} ms"
              f"   max {max(firsts):6.0f} ms")
        print(f"  full answer        p50 {percentile(fulls, 50):6.0f} ms   p95 {percentile(fulls, 95):6.0f} ms"
              f"   max {max(fulls):6.0f} ms   mean {statistics.mean(fulls):6.0f} ms")
        print(f"\n== {args.users} concurrent users x {args.rounds} questions each (/chat) ==")
        errors_total = 0
        runs = (
            (f"browser protocol, {args.think:g} s think time", False, args.think),
            (f"gradio_client,    {args.think:g} s think time", True, args.think),
            ("browser protocol, no think time (saturation)", False, 0.0),
        )
        for label, with_client, think in runs:
            latencies, errors, wall = concurrent(url, args.users, args.rounds, QUESTIONS, with_client, think)
            report(label, latencies, errors, wall)
            errors_total += len(errors)
        return 1 if errors_total else 0
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
