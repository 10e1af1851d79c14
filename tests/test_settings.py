from __future__ import annotations

from pathlib import Path

import pytest

from newsdesk.errors import ConfigError
from newsdesk.settings import SETTINGS, load_settings


def test_every_setting_is_declared_with_help() -> None:
    names = [s.name for s in SETTINGS]
    assert len(names) == len(set(names))
    assert all(s.help for s in SETTINGS)


def test_layers_defaults_file_env_flags(tmp_path: Path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text('max_input_bytes = 1000\nexcerpt_chars = 50\ndb = "from-file.db"\n')
    s = load_settings(env={}, config_file=cfg)
    assert s.max_input_bytes == 1000 and s.origin("max_input_bytes").startswith("file:")
    s = load_settings(env={"NEWSDESK_MAX_INPUT_BYTES": "2000"}, config_file=cfg)
    assert s.max_input_bytes == 2000 and s.origin("max_input_bytes") == "env"
    assert s.excerpt_chars == 50
    s = load_settings({"max_input_bytes": 3000}, env={"NEWSDESK_MAX_INPUT_BYTES": "2000"}, config_file=cfg)
    assert s.max_input_bytes == 3000 and s.origin("max_input_bytes") == "flag"
    assert s.db_path == Path("from-file.db")


def test_db_env_and_default(tmp_path: Path) -> None:
    s = load_settings(env={"NEWSDESK_DB": str(tmp_path / "x.db")}, config_file=tmp_path / "none.toml")
    assert s.db_path == tmp_path / "x.db"
    s = load_settings(env={"NEWSDESK_DATA_DIR": str(tmp_path)}, config_file=tmp_path / "none.toml")
    assert s.db_path == tmp_path / "newsdesk.db"


def test_bad_values_raise_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="MAX_INPUT_BYTES"):
        load_settings(env={"NEWSDESK_MAX_INPUT_BYTES": "lots"}, config_file=tmp_path / "none.toml")
    cfg = tmp_path / "c.toml"
    cfg.write_text("nonsense = 1\n")
    with pytest.raises(ConfigError, match="unknown setting"):
        load_settings(env={}, config_file=cfg)
    cfg.write_text("max_input_bytes = [\n")
    with pytest.raises(ConfigError, match="cannot read config"):
        load_settings(env={}, config_file=cfg)


def test_config_sections_are_kept(tmp_path: Path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text('[[topics]]\nname = "AI"\ndescription = "artificial intelligence"\n')
    s = load_settings(env={}, config_file=cfg)
    assert s.sections["topics"][0]["name"] == "AI"
