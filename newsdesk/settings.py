"""Every setting declared once: name, type, default, help.

Layering, lowest first: declared defaults < config file (TOML) < environment
(``NEWSDESK_<NAME>``) < explicit overrides (CLI flags). The config file is
``$NEWSDESK_CONFIG`` or ``<config dir>/newsdesk.toml`` when present.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

from .errors import ConfigError

APP = "newsdesk"


@dataclass(frozen=True)
class Setting:
    name: str
    type: type
    default: Any
    help: str


def _default_data_dir() -> str:
    return platformdirs.user_data_dir(APP, appauthor=False)


SETTINGS: tuple[Setting, ...] = (
    Setting("data_dir", str, None, "Directory for the store, keys and caches (default: per-user data dir)."),
    Setting("db", str, None, "SQLite store path (default: <data_dir>/newsdesk.db). Env: NEWSDESK_DB."),
    Setting(
        "secret_key",
        str,
        None,
        "Base64 AES-256 key for `secured` envelopes (default: generated into data_dir).",
    ),
    Setting(
        "key_id",
        str,
        None,
        "Identifier of the key in use, recorded in each envelope (default: derived from the key).",
    ),
    Setting("max_input_bytes", int, 20 * 1024 * 1024, "Inputs larger than this are refused."),
    Setting(
        "excerpt_chars",
        int,
        300,
        "Longest excerpt taken from the lead sentences when a page has no description.",
    ),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def _coerce(setting: Setting, value: Any, origin: str) -> Any:
    if value is None:
        return None
    try:
        if setting.type is bool and isinstance(value, str):
            low = value.strip().lower()
            if low in {"1", "true", "yes", "on"}:
                return True
            if low in {"0", "false", "no", "off"}:
                return False
            raise ValueError(value)
        return setting.type(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(
            f"{origin}: {setting.name}={value!r} is not a valid {setting.type.__name__}"
        ) from exc


def config_path(env: dict[str, str] | None = None) -> Path:
    environ = dict(os.environ) if env is None else env
    if environ.get("NEWSDESK_CONFIG"):
        return Path(environ["NEWSDESK_CONFIG"])
    return Path(platformdirs.user_config_dir(APP, appauthor=False)) / "newsdesk.toml"


class Settings:
    """Resolved settings; attribute access by name (``settings.db``)."""

    def __init__(self, values: dict[str, Any], origins: dict[str, str], file_data: dict[str, Any]):
        self._values = values
        self._origins = origins
        #: sections of the config file other than the flat settings (feeds, topics, outlets)
        self.sections = file_data

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(name) from None

    def origin(self, name: str) -> str:
        return self._origins[name]

    def as_dict(self) -> dict[str, Any]:
        return dict(self._values)

    @property
    def data_path(self) -> Path:
        return Path(self._values["data_dir"] or _default_data_dir())

    @property
    def db_path(self) -> Path:
        return Path(self._values["db"]) if self._values["db"] else self.data_path / "newsdesk.db"


def load_settings(
    overrides: dict[str, Any] | None = None,
    *,
    env: dict[str, str] | None = None,
    config_file: Path | None = None,
) -> Settings:
    env = dict(os.environ) if env is None else env
    values = {s.name: s.default for s in SETTINGS}
    origins = {s.name: "default" for s in SETTINGS}
    sections: dict[str, Any] = {}

    path = config_file or config_path(env)
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read config: {exc}") from exc
        for key, value in data.items():
            if isinstance(value, (dict, list)) and key not in _BY_NAME:
                sections[key] = value
                continue
            if key not in _BY_NAME:
                raise ConfigError(f"{path}: unknown setting {key!r}")
            values[key] = _coerce(_BY_NAME[key], value, str(path))
            origins[key] = f"file:{path}"

    for s in SETTINGS:
        raw = env.get(f"NEWSDESK_{s.name.upper()}")
        if raw not in (None, ""):
            values[s.name] = _coerce(s, raw, f"env NEWSDESK_{s.name.upper()}")
            origins[s.name] = "env"

    for key, value in (overrides or {}).items():
        if value is None:
            continue
        if key not in _BY_NAME:
            raise ConfigError(f"unknown setting {key!r}")
        values[key] = _coerce(_BY_NAME[key], value, "flag")
        origins[key] = "flag"
    return Settings(values, origins, sections)
