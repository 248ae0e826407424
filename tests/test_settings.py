"""The one settings object: typed and validated; only from_env() reads the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.settings import Settings


def test_settings_are_typed_and_validated() -> None:
    settings = Settings(data_dir="/tmp/somewhere")  # type: ignore[arg-type]
    assert settings.data_dir == Path("/tmp/somewhere") and settings.cache_dir == Path("/tmp/somewhere/embedding-cache")
    for bad in ({"top_k": 0}, {"port": 70000}, {"max_sessions": 0}, {"no_such_field": 1}):
        with pytest.raises(ValueError):
            Settings(**bad)
    with pytest.raises(ValueError):
        settings.replace(port=-1)
    assert settings.replace(port=0).port == 0 and settings.port == 7860
    with pytest.raises(ValueError):  # frozen
        settings.port = 1  # type: ignore[misc]


def test_only_from_env_reads_the_environment_and_flags_win(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("POLICY_ASSISTANT_TOP_K", "12")
    monkeypatch.setenv("POLICY_ASSISTANT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("POLICY_ASSISTANT_HOST", "")  # empty means unset
    assert Settings().top_k == 8, "building Settings never reads the environment"
    from_env = Settings.from_env()
    assert from_env.top_k == 12 and from_env.data_dir == tmp_path and from_env.host == "127.0.0.1"
    assert Settings.from_env(top_k=3, data_dir=None).top_k == 3, "a flag wins; None means not given"
    monkeypatch.setenv("POLICY_ASSISTANT_PORT", "abc")
    with pytest.raises(ValueError, match="POLICY_ASSISTANT_PORT='abc'"):
        Settings.from_env()


def test_every_field_is_described() -> None:
    assert all(field.description for field in Settings.model_fields.values())
