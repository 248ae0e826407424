#!/usr/bin/env bash
# Sets up everything from the project's own files and runs the whole test suite (browser tests included).
# Used by CI (.ci/run) and by developers: `bash scripts/test.sh`.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian's Chromium drives the browser tests (Playwright's own browser download does not work offline).
if ! command -v chromium >/dev/null 2>&1 || ! dpkg -s fonts-noto-cjk >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q --upgrade pip
# torch first and pinned: a bare torch requirement would pull a multi-GB CUDA build.
.venv/bin/pip install -q torch==2.13.0
.venv/bin/pip install -q -e '.[st,test]'

export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 ANONYMIZED_TELEMETRY=False GRADIO_ANALYTICS_ENABLED=False
.venv/bin/ruff check .
.venv/bin/pytest -q "$@"

# The index, rebuild, answer, API and server tests again, with every index on a real Chroma server
# (`chroma run` from the chromadb package), started here and stopped on exit.
if [ "$#" -eq 0 ]; then
  CHROMA_DIR=$(mktemp -d)
  CHROMA_PORT=$(.venv/bin/python -c "from tests.chroma_server import free_port; print(free_port())")
  .venv/bin/chroma run --path "$CHROMA_DIR/data" --host 127.0.0.1 --port "$CHROMA_PORT" >"$CHROMA_DIR/log" 2>&1 &
  CHROMA_PID=$!
  trap 'kill "$CHROMA_PID" 2>/dev/null; wait "$CHROMA_PID" 2>/dev/null; rm -rf "$CHROMA_DIR"' EXIT
  .venv/bin/python - "$CHROMA_PORT" <<'PY'
import sys, time, urllib.request
for _ in range(300):
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/api/v2/heartbeat", timeout=2)
        break
    except OSError:
        time.sleep(0.2)
else:
    sys.exit("chroma run did not start")
PY
  POLICY_ASSISTANT_TEST_CHROMA_URL="http://127.0.0.1:$CHROMA_PORT" .venv/bin/pytest -q \
    tests/test_chroma_server.py tests/test_answers.py tests/test_api.py tests/test_server.py
fi

# Quality gate on every labelled set, side by side: the tuning sets (dev … dev6) and the blind test sets
# test … test8 (judges; written from the plan alone, never tuned on). A regression below these bars fails
# CI. Bars sit a little under what the current system measures (see README, Evaluation).
.venv/bin/policy-assistant --data-dir .ci-data eval eval/data/dev.jsonl eval/data/dev2.jsonl eval/data/dev3.jsonl eval/data/dev4.jsonl eval/data/dev5.jsonl eval/data/dev6.jsonl \
  eval/data/test.jsonl eval/data/test2.jsonl eval/data/test3.jsonl eval/data/test4.jsonl eval/data/test5.jsonl eval/data/test6.jsonl eval/data/test7.jsonl eval/data/test8.jsonl --no-vanilla \
  --report .ci-data/report \
  --min dev:correct=0.96 --min dev2:correct=0.95 --min dev3:correct=0.82 --min test:correct=0.85 \
  --min test2:correct=0.83 --min test3:correct=0.82 --min dev:refusal_rate=0.95 --min test:refusal_rate=0.65 --min test2:refusal_rate=0.78 --min test3:refusal_rate=0.74 \
  --min test4:correct=0.84 --min test4:refusal_rate=0.78 --min test5:correct=0.83 --min test5:refusal_rate=0.88 --min test6:correct=0.85 --min test6:refusal_rate=0.82 \
  --min test7:correct=0.86 --min test7:refusal_rate=0.88 --min dev5:correct=0.72 --min dev6:correct=0.91 --min dev6:refusal_rate=0.9 \
  --min test8:correct=0.84 --min test8:refusal_rate=0.88 \
  --min dev4:correct=0.91 --min dev4:refusal_rate=0.85 --min dev4:false_refusal_rate=0.07 \
  --min false_refusal_rate=0.05 --min test4:false_refusal_rate=0.07 --min faithfulness=1.0
