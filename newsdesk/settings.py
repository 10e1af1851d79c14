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
from typing import TYPE_CHECKING, Any

import platformdirs

from .errors import ConfigError

if TYPE_CHECKING:
    from .link.heat import HeatParams

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
    Setting(
        "db",
        str,
        None,
        "Store: a SQLite file path (or sqlite:///path) or a postgresql://user@host/db URL "
        "(default: <data_dir>/newsdesk.db). Env: NEWSDESK_DB.",
    ),
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
    Setting("models_dir", str, None, "Cache of models distilled on first use (default: per-user cache dir)."),
    Setting(
        "topic_head",
        str,
        None,
        "Learned topic heads (.npz from benchmarks/train_topics.py; default: the shipped file; "
        "'none': zero-shot only).",
    ),
    Setting(
        "entity_chars",
        int,
        600,
        "Characters of each article the named-entity model reads (its cost grows with them; past them, "
        "names found are counted and the rule tagger adds people and organisations). 0: rules only.",
    ),
    Setting(
        "max_input_bytes",
        int,
        20 * 1024 * 1024,
        "Inputs larger than this are refused (for JSON Lines: the limit per line).",
    ),
    Setting(
        "input_time_budget",
        float,
        10.0,
        "Seconds one input may take to be parsed and cleaned before it is refused (0: no limit).",
    ),
    Setting(
        "ingest_follow_symlinks",
        bool,
        False,
        "Follow symlinks that lead out of the folders given to ingest (off: such links are refused).",
    ),
    Setting(
        "excerpt_chars",
        int,
        300,
        "Longest excerpt taken from the lead sentences when a page has no description.",
    ),
    # live ingestion: the fetcher's politeness, limits and SSRF allow-list
    Setting(
        "fetch_user_agent", str, None, "User-Agent for fetches (default: newsdesk/<version> (+project URL))."
    ),
    Setting("fetch_connect_timeout", float, 10.0, "Seconds to wait for a connection."),
    Setting("fetch_read_timeout", float, 20.0, "Seconds to wait for each read from a server."),
    Setting("fetch_total_timeout", float, 60.0, "Seconds one response may take in all (slow-drip servers)."),
    Setting("fetch_max_bytes", int, 10 * 1024 * 1024, "Largest body fetched, counted after decompression."),
    Setting("fetch_max_redirects", int, 5, "Redirect hops followed (each one re-checked) before giving up."),
    Setting("fetch_retries", int, 3, "Retries after a 429, a 5xx or a failed connection."),
    Setting("fetch_backoff", float, 1.0, "Base seconds of the exponential retry backoff (with jitter)."),
    Setting("fetch_max_retry_after", float, 120.0, "A longer Retry-After ends the fetch instead of waiting."),
    Setting("fetch_domain_concurrency", int, 2, "Requests in flight at once to one host."),
    Setting("fetch_domain_delay", float, 1.0, "Least seconds between two request starts to one host."),
    Setting("fetch_ignore_robots", bool, False, "Fetch what robots.txt disallows (only for your own sites)."),
    Setting(
        "fetch_allow_networks",
        str,
        "",
        "Comma-separated addresses/networks exempt from the SSRF guard (e.g. 127.0.0.1, 10.1.0.0/16).",
    ),
    Setting("poll_min_interval", float, 300.0, "Seconds: the most often a source is polled."),
    Setting("poll_max_interval", float, 86400.0, "Seconds: the least often a source is polled."),
    Setting(
        "poll_concurrency",
        int,
        8,
        "Requests a run has in flight at once across sources (per-host limits still apply); 1: one by one.",
    ),
    Setting(
        "poll_interval", float, 3600.0, "Seconds between polls of a new source, adapted per source later."
    ),
    Setting("image_max_bytes", int, 15 * 1024 * 1024, "Largest image fetched for the cache."),
    Setting(
        "image_max_pixels",
        int,
        16_000_000,
        "Images with more pixels are refused before decoding (decompression bombs).",
    ),
    Setting("image_thumb_width", int, 320, "Width in pixels of cached thumbnails."),
    Setting(
        "heat_half_life_hours",
        float,
        24.0,
        "Hours after which an article counts half as much towards its story's heat.",
    ),
    Setting("heat_window_days", float, 7.0, "Days of coverage that count towards heat (older: none)."),
    Setting(
        "base_url",
        str,
        None,
        "Public URL of the server (e.g. https://news.example.org) for feed links and ids; "
        "unset: the address the server listens on (never the request's Host header).",
    ),
    Setting(
        "api_max_body_bytes",
        int,
        1024 * 1024,
        "Largest request body the API reads, except ingest (which takes max_input_bytes).",
    ),
    Setting(
        "api_token",
        str,
        None,
        "Bearer token the web API's write endpoints require (unset: writes are disabled).",
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
        if name.startswith("_"):
            # Unpickling (Ray ships settings to its workers) asks for __setstate__ and
            # friends before _values exists: looking it up here would recurse forever.
            raise AttributeError(name)
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
    def models_path(self) -> Path:
        if self._values["models_dir"]:
            return Path(self._values["models_dir"])
        return Path(platformdirs.user_cache_dir(APP, appauthor=False)) / "models"

    @property
    def heat(self) -> HeatParams:
        from .link.heat import HeatParams  # the link stage does not depend on settings

        try:
            return HeatParams(self._values["heat_half_life_hours"], self._values["heat_window_days"])
        except ValueError as exc:
            raise ConfigError(f"heat_half_life_hours / heat_window_days: {exc}") from None

    @property
    def db_path(self) -> Path:
        """The SQLite file (only meaningful when :attr:`db_target` is not a URL)."""
        return Path(self._values["db"]) if self._values["db"] else self.data_path / "newsdesk.db"

    @property
    def db_target(self) -> str:
        """The store as given: a path or a ``postgresql://`` / ``sqlite:///`` URL."""
        return str(self._values["db"]) if self._values["db"] else str(self.data_path / "newsdesk.db")

    @property
    def db_is_default(self) -> bool:
        return not self._values["db"]


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
