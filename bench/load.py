"""Load test on loopback: N concurrent users asking back to back through one `policy-assistant serve`
(the web app and the API in one process, or `--workers 2` behind the front), with the index embedded or
on a Chroma server (`chroma run`, started here).

    python bench/load.py [--users 20,50] [--seconds 15] [--workers 1,2] [--stores embedded,server]

Routes: /api/ask, /v1/chat/completions (streaming and not), and the web app's own /ask through
gradio_client. Per configuration, route and user count it prints: answers/s, p50/p95/p99 latency,
errors, the CPU-seconds the server processes spent per answer, the CPU bound that implies on this
machine's cores (cores / CPU-s per answer) and the share of it reached, and RSS per server process.
The index must exist in the data dir (`policy-assistant ingest`); the users cycle through the dev
questions after one warm-up pass, so question embeddings are cached. The load generator shares the
machine with the servers; its own CPU is not counted in the bound.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
COMMAND = [str(Path(sys.executable).parent / "policy-assistant")]
QUESTIONS = [json.loads(line)["question"] for line in (ROOT / "eval/data/dev.jsonl").read_text("utf-8").splitlines()
             if line.strip()]
TICKS = os.sysconf("SC_CLK_TCK")


def tree(pid: int) -> list[int]:
    """pid and all its descendants."""
    found = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for child in children:
            found += tree(int(child))
    return found


def cpu_s(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime + stime
        except OSError:
            pass
    return total / TICKS


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return 0.0


@contextmanager
def chroma_server(data_dir: Path) -> Iterator[tuple[str, int]]:
    from tests.chroma_server import ChromaServer

    with tempfile.TemporaryDirectory() as tmp, ChromaServer(Path(tmp) / "chroma") as server:
        assert server.process is not None
        yield server.url, server.process.pid


@contextmanager
def serve(env: dict[str, str], workers: int) -> Iterator[tuple[str, subprocess.Popen]]:
    from tests.chroma_server import free_port

    port = free_port()
    proc = subprocess.Popen([*COMMAND, "serve", "--port", str(port), "--workers", str(workers)], cwd=ROOT,
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(1200):
            try:
                if all(httpx.get(f"{url}/api/health", timeout=2).json()["status"] == "ok" for _ in range(workers)):
                    break
            except (httpx.HTTPError, ValueError):
                pass
            time.sleep(0.25)
        else:
            raise SystemExit("the server did not start")
        yield url, proc
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def run_users(users: int, seconds: float, ask: Callable[[str], None]) -> dict[str, Any]:
    latencies: list[float] = []
    errors = [0]
    kinds: dict[str, int] = {}  # what failed, so that an error can be followed up
    lock = threading.Lock()
    stop_at = time.time() + seconds

    def user(n: int) -> None:
        i = n
        while time.time() < stop_at:
            started = time.perf_counter()
            try:
                ask(QUESTIONS[i % len(QUESTIONS)])
                with lock:
                    latencies.append((time.perf_counter() - started) * 1000)
            except Exception as exc:
                kind = f"{type(exc).__name__}: {str(exc)[:120]}"
                with lock:
                    errors[0] += 1
                    kinds[kind] = kinds.get(kind, 0) + 1
            i += users

    threads = [threading.Thread(target=user, args=(n,)) for n in range(users)]
    began = time.time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.time() - began
    latencies.sort()

    def pct(p: float) -> float:
        return round(latencies[min(len(latencies) - 1, int(p * len(latencies)))], 1) if latencies else 0.0

    return {"answers": len(latencies), "answers/s": round(len(latencies) / elapsed, 1), "p50 ms": pct(0.5),
            "p95 ms": pct(0.95), "p99 ms": pct(0.99), "errors": errors[0], **({"error kinds": kinds} if kinds else {})}


def routes(url: str) -> dict[str, Callable[[str], None]]:
    local = threading.local()

    def client() -> httpx.Client:
        if not hasattr(local, "client"):
            local.client = httpx.Client(base_url=url, timeout=60)
        return local.client

    def rest(q: str) -> None:
        client().post("/api/ask", json={"question": q}).raise_for_status()

    def openai_plain(q: str) -> None:
        client().post("/v1/chat/completions", json={"messages": [{"role": "user", "content": q}]}).raise_for_status()

    def openai_stream(q: str) -> None:
        body = {"messages": [{"role": "user", "content": q}], "stream": True}
        with client().stream("POST", "/v1/chat/completions", json=body) as response:
            response.raise_for_status()
            for _ in response.iter_lines():
                pass

    def gradio_rest(q: str) -> None:  # the same /ask through gradio's queue, without gradio_client's overhead
        # One session per user, as a page keeps one: gradio builds a session's state (a config of every
        # component on the page) once per session, not per question.
        if not hasattr(local, "session"):
            local.session = uuid.uuid4().hex[:11]
        event = client().post("/gradio_api/call/ask", json={"data": [q, []], "session_hash": local.session})
        event.raise_for_status()
        with client().stream("GET", f"/gradio_api/call/ask/{event.json()['event_id']}") as response:
            response.raise_for_status()
            if not any(line.startswith("event: complete") for line in response.iter_lines()):
                raise RuntimeError("no answer")

    def gradio_run(q: str) -> None:  # the route gradio's own page client takes for an event off the queue
        if not hasattr(local, "session"):
            local.session = uuid.uuid4().hex[:11]
        reply = client().post("/gradio_api/run/ask", json={"data": [q, []], "session_hash": local.session})
        reply.raise_for_status()
        if not reply.json().get("data"):
            raise RuntimeError("no answer")

    def gradio(q: str) -> None:
        from gradio_client import Client

        if not hasattr(local, "gradio"):
            local.gradio = Client(url, verbose=False, download_files=False, analytics_enabled=False)
        local.gradio.predict(q, [], api_name="/ask")

    return {"/api/ask": rest, "/v1/chat/completions": openai_plain, "/v1/chat/completions stream": openai_stream,
            "gradio /ask (call API)": gradio_rest, "gradio /ask (run route)": gradio_run, "gradio /ask (gradio_client)": gradio}


def measure(config: str, url: str, pids: Callable[[], list[int]], users_list: list[int], seconds: float,
            only: list[str]) -> None:
    table = {name: ask for name, ask in routes(url).items() if not only or name in only}
    warm = routes(url)["/api/ask"]
    for q in QUESTIONS:  # warm every worker: the first answer to a question embeds it
        for _ in range(2):
            warm(q)
    cores = os.cpu_count() or 1
    for users in users_list:
        for name, ask in table.items():
            before, own = cpu_s(pids()), time.process_time()
            result = run_users(users, seconds, ask)
            spent, generator = cpu_s(pids()) - before, time.process_time() - own
            per_answer = spent / max(1, result["answers"])
            bound = cores / per_answer if per_answer else 0.0
            print(json.dumps({
                "config": config, "route": name, "users": users, **result,
                "server CPU ms/answer": round(per_answer * 1000, 1), "CPU bound answers/s": round(bound, 1),
                "of bound %": round(100 * result["answers/s"] / bound, 1) if bound else 0.0,
                "load generator CPU ms/answer": round(1000 * generator / max(1, result["answers"]), 1),
                "RSS MB": [rss_mb(p) for p in pids()],
            }, ensure_ascii=False), flush=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", default="20,50")
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--stores", default="embedded,server")
    parser.add_argument("--routes", default="", help="comma-separated route names to run (default: all)")
    args = parser.parse_args()
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False", "GRADIO_ANALYTICS_ENABLED": "False"}
    users = [int(u) for u in args.users.split(",")]
    only = [r for r in args.routes.split(",") if r]
    for store in args.stores.split(","):
        for workers in [int(w) for w in args.workers.split(",")]:
            config = f"{workers} worker{'s' if workers > 1 else ''}, {store} Chroma"
            if store == "server":
                with chroma_server(ROOT) as (chroma_url, chroma_pid), \
                        serve({**env, "POLICY_ASSISTANT_CHROMA_URL": chroma_url}, workers) as (url, proc):
                    measure(config, url, lambda proc=proc, c=chroma_pid: [*tree(proc.pid), c], users, args.seconds,
                            only)
            else:
                with serve(env, workers) as (url, proc):
                    measure(config, url, lambda proc=proc: tree(proc.pid), users, args.seconds, only)
    return 0


if __name__ == "__main__":
    sys.exit(main())
