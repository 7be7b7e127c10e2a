from pathlib import Path

import pytest

from knowledge.settings import Settings
from tests.conftest import ROOT


def test_readme_lists_every_setting() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [name for name in Settings.model_fields if f"`ASKSCI_{name.upper()}`" not in readme]
    assert not missing


def test_settings_come_from_prefixed_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ASKSCI_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ASKSCI_CHUNK_SIZE", "500")
    s = Settings(_env_file=None)
    assert s.data_dir == tmp_path and s.chunk_size == 500


def test_secrets_are_not_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASKSCI_LLM_API_KEY", "sk-very-secret")
    s = Settings(_env_file=None)
    assert "sk-very-secret" not in repr(s)
    assert s.llm_api_key.get_secret_value() == "sk-very-secret"
