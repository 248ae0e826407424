"""Load test on loopback: N concurrent users asking back to back, through the HTTP API (/api/ask,
/v1/chat/completions streaming and not) and through the Gradio app's /chat.

    python bench/load.py [--users 20,50] [--seconds 20]

Starts `policy-assistant api` and `policy-assistant serve` on free ports (the index must exist in the
data dir: run `policy-assistant ingest` first), warms both with every dev question once, then prints per
route and user count: answers/s, p50/p95/p99 latency, errors and the server's RSS. Bounded in users and
time; loopback only. The users cycle through the 156 dev questions, so question embeddings are cached;
the load generator shares the machine's 2 cores with the servers.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
COMMAND = [str(Path(sys.executable).parent / "policy-assistant")]
QUESTIONS = [json.loads(line)["question"] for line in (ROOT / "eval/data/dev.jsonl").read_text("utf-8").splitlines()
             if line.strip()]


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(kind: str, port: int, env: dict[str, str]) -> subprocess.Popen:
    proc = subprocess.Popen([*COMMAND, kind, "--port", str(port)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    probe = "/api/health" if kind == "api" else "/"
    for _ in range(600):
        try:
            if httpx.get(url + probe, timeout=2).status_code == 200:
                if kind == "api" and httpx.get(url + probe).json()["status"] != "ok":
                    raise httpx.ConnectError("starting")
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    proc.kill()
    raise SystemExit(f"{kind} did not start")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def run_users(users: int, seconds: float, ask) -> dict[str, float]:  # type: ignore[no-untyped-def]
    latencies: list[float] = []
    errors = [0]
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
            except Exception:
                with lock:
                    errors[0] += 1
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

    return {"answers/s": round(len(latencies) / elapsed, 1), "p50 ms": pct(0.5), "p95 ms": pct(0.95),
            "p99 ms": pct(0.99), "errors": errors[0],
            "mean ms": round(statistics.mean(latencies), 1) if latencies else 0.0}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", default="20,50")
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args()
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False", "GRADIO_ANALYTICS_ENABLED": "False"}
    api_port, ui_port = free_port(), free_port()
    api, ui = start("api", api_port, env), start("serve", ui_port, env)
    api_url, ui_url = f"http://127.0.0.1:{api_port}", f"http://127.0.0.1:{ui_port}"
    local = threading.local()

    def client() -> httpx.Client:
        if not hasattr(local, "client"):
            local.client = httpx.Client(base_url=api_url, timeout=60)
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

    def gradio(q: str) -> None:
        from gradio_client import Client

        if not hasattr(local, "gradio"):
            local.gradio = Client(ui_url, verbose=False, download_files=False, analytics_enabled=False)
        local.gradio.predict(q, [], api_name="/ask")

    try:
        for q in QUESTIONS:  # warm both servers: the first answer to a question embeds it
            rest(q)
            gradio(q)
        for users in [int(u) for u in args.users.split(",")]:
            for name, ask, pid in (("/api/ask", rest, api.pid), ("/v1/chat/completions", openai_plain, api.pid),
                                   ("/v1/chat/completions stream", openai_stream, api.pid),
                                   ("gradio /ask", gradio, ui.pid)):
                result = run_users(users, args.seconds, ask)
                print(json.dumps({"route": name, "users": users, **result, "server RSS MB": round(rss_mb(pid), 1)},
                                 ensure_ascii=False), flush=True)
    finally:
        api.terminate()
        ui.terminate()
    return 0


if __name__ == "__main__":
    sys.exit(main())
