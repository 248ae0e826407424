"""Shared pytest setup: the test suite must never reach a model hub or phone home."""

import os


def pytest_configure(config):
    # Set before any test module imports transformers / huggingface_hub / chromadb, which read
    # these once at import time.
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ["ANONYMIZED_TELEMETRY"] = "False"


# --- shared session fixtures (real components, loaded once per test session) ---
import pytest  # noqa: E402


@pytest.fixture(scope="session")
def corpus_plan():
    """The bundled Nanning plan, parsed by the real parser."""
    from assistant.settings import BUNDLED_CORPUS
    from knowledge.parser import load_plan

    return load_plan(BUNDLED_CORPUS)


@pytest.fixture(scope="session")
def e5_embeddings():
    """The real bundled e5 embedder (no disk cache), loaded once."""
    from embeddings.factory import make_embeddings

    return make_embeddings("e5")


#: Set (by scripts/test.sh) to run the suite's assistant against a running Chroma server instead of the
#: embedded store; tests/chroma_server.py starts one itself when a test needs a server and none is given.
SERVER_URL = os.environ.get("POLICY_ASSISTANT_TEST_CHROMA_URL", "")


@pytest.fixture(scope="session")
def chroma_url(tmp_path_factory):
    """The URL of a real Chroma server: the one the environment names, or a `chroma run` started here."""
    if SERVER_URL:
        yield SERVER_URL
        return
    from tests.chroma_server import ChromaServer

    with ChromaServer(tmp_path_factory.mktemp("chroma-server")) as server:
        yield server.url


#: Set (by scripts/test.sh) to the quality gate's embedding cache, which holds the bundled plan's vectors: the
#: session's first index build then reads them instead of embedding the plan again. The test of a cold
#: start (tests/test_ui_startup.py) uses an empty data dir of its own.
SEED_CACHE = os.environ.get("POLICY_ASSISTANT_TEST_EMBEDDING_SEED", "")


@pytest.fixture(scope="session")
def assistant_settings(tmp_path_factory):
    """Settings whose data dir (index + embedding cache) is shared by the whole session, CLI runs included;
    the indexes live on the Chroma server when the suite runs in server mode."""
    import shutil
    from pathlib import Path

    from assistant.settings import Settings

    settings = Settings(data_dir=tmp_path_factory.mktemp("assistant-data"), chroma_url=SERVER_URL)
    if SEED_CACHE and Path(SEED_CACHE).is_dir():
        settings.cache_dir.mkdir(parents=True, exist_ok=True)
        for file in Path(SEED_CACHE).glob("*.sqlite3*"):  # a -wal file, if any, goes with its database
            shutil.copyfile(file, settings.cache_dir / file.name)
    return settings


@pytest.fixture(scope="session")
def e5(e5_embeddings, assistant_settings):
    """The same loaded e5 model behind the production disk cache (``settings.cache_dir``), so every index
    built in the session after the first embeds only the sentences it has not seen."""
    from embeddings.cache import CachedEmbeddings

    return CachedEmbeddings(e5_embeddings, assistant_settings.cache_dir)


@pytest.fixture(scope="session")
def assistant(assistant_settings, e5):
    """The real assistant on the bundled plan; its cold index build (~40 s) happens once per session."""
    from assistant.service import build_assistant

    return build_assistant(assistant_settings, embeddings=e5)


CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium through Playwright, started once for every browser test module (one sync
    Playwright per thread: a second one inside the first's event loop fails)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def env(assistant, assistant_settings) -> dict[str, str]:
    """The environment of every CLI or server subprocess; `assistant` has built the index this data dir
    holds, so subprocesses reuse it."""
    return {
        **os.environ,
        "POLICY_ASSISTANT_DATA_DIR": str(assistant_settings.data_dir),
        "POLICY_ASSISTANT_CHROMA_URL": assistant_settings.chroma_url,
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "ANONYMIZED_TELEMETRY": "False",
        "GRADIO_ANALYTICS_ENABLED": "False",
        "PYTHONIOENCODING": "utf-8",
    }
