"""The seed record format: YAML front matter between ``---`` lines, then Markdown.

Layout as in ``../shared/seeds/000_*.txt``: scalar fields, a blank line, then
``provider``/``topics``/``images``/``related`` each followed by a blank line,
``secured``, the closing ``---``, a blank line and the body.

Decisions, so that ``load_record(dump_record(a))`` is exact:

* The front matter is written by a templated emitter, not ``yaml.dump``: the seed's
  layout (blank lines, which strings are quoted) is part of the format, and a
  generic dumper would reflow it. Every value still goes through :func:`quote` or
  :func:`plain_or_quote`, which only emit forms ``yaml.safe_load`` reads back
  unchanged; the tests check that with hypothesis.
* Dates are ISO-8601 UTC with ``Z`` at seconds precision (sub-seconds are dropped
  on writing). A missing date is written ``publishedDateTime: null``.
* The body is :func:`normalise_body` of the text: line breaks become ``\\n`` and
  trailing newlines are dropped; it is written after one blank line and followed
  by one ``\\n`` (nothing when empty, which is the seed's ``---\\n\\n`` ending).
  Reading turns CRLF/CR into LF for the whole file first, so a record that went
  through a CRLF checkout still reads (and verifies) the same.
* Unknown top-level fields are kept in ``Article.extra`` and written back after
  ``related`` as one-line flow values, in their JSON-safe form (a YAML timestamp
  in an unknown field comes back as its ISO string). Unknown keys inside
  provider/images/related are ignored: the model has nowhere to keep them.
* ``RelatedItem.copies`` is not in the seed; it is written only when non-empty.
* ``load_record`` sets ``source``/``source_kind="record"`` and, when there is a
  date, ``published_source="record"``; the private provenance of a sealed record
  lives in its envelope (see :mod:`newsdesk.secured`).

Sealing: ``dump_record(article, keyring=...)`` computes ``secured`` with
:func:`newsdesk.secured.seal` over exactly the front matter and body it writes
(``secured`` imports this module, so the import here is lazy).
"""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, NoReturn

import yaml

from .errors import RecordError
from .extract.limits import load_yaml
from .model import HEAT_UNKNOWN, QUALITY_UNKNOWN, Article, Image, Provider, RelatedItem, TopicScore, utc

if TYPE_CHECKING:
    from .secured import Keyring

FIELD_ORDER = (
    "category", "title", "excerpt", "publishedDateTime", "originalUrl", "webUrl", "type",
    "quality", "heat", "published", "provider", "topics", "images", "related", "secured",
)  # fmt: skip
RELATED_ORDER = (
    "title", "excerpt", "publishedDateTime", "webUrl", "type", "provider", "quality", "images", "copies",
)  # fmt: skip
#: Article fields beyond the public ones that our JSON export carries (snake_case names).
# Stored fields beyond the record format, by JSON type.
_STORED_STR = (
    "text", "language", "dateline", "agency", "original_title", "original_url", "original_provider",
    "published_source", "source", "source_kind", "extractor",
)  # fmt: skip
_STORED_BOOL = ("is_repost",)
_STORED_LISTS = ("authors", "tags", "quality_reasons")
STORED_FIELDS = (
    *_STORED_STR, *_STORED_BOOL, *_STORED_LISTS,
    "topic_scores", "quality_parts", "entities", "ingested_at", "updated", "extra", "info",
)  # fmt: skip

_DELIMITER = "---"


# --------------------------------------------------------------------------- values


def format_datetime(dt: datetime | None) -> str | None:
    """ISO-8601 UTC with ``Z``, seconds precision; ``None`` stays ``None``."""
    if dt is None:
        return None
    try:
        u = utc(dt)
    except OverflowError as exc:  # e.g. year 1 with a positive offset
        raise RecordError(f"date {dt!r} cannot be expressed in UTC") from exc
    # Built by hand: strftime does not zero-pad years < 1000 on every platform.
    return f"{u.year:04d}-{u.month:02d}-{u.day:02d}T{u.hour:02d}:{u.minute:02d}:{u.second:02d}Z"


def parse_datetime(
    value: Any, *, where: str = "publishedDateTime", source: str = "<record>"
) -> datetime | None:
    """A tz-aware UTC datetime from a YAML timestamp, a date, an ISO string or null."""
    if value is None or value == "":
        return None
    try:
        if isinstance(value, datetime):
            return utc(value)
        if isinstance(value, date):
            return datetime(value.year, value.month, value.day, tzinfo=UTC)
        if isinstance(value, str):
            return utc(datetime.fromisoformat(value.strip()))
    except (ValueError, OverflowError) as exc:
        raise RecordError(f"{source}: field '{where}': not an ISO-8601 date: {value!r}") from exc
    raise RecordError(f"{source}: field '{where}': expected a date, got {type(value).__name__}")


def normalise_body(text: str) -> str:
    """The body as a record stores it: LF line breaks, no trailing newlines."""
    return text.replace("\r\n", "\n").replace("\r", "\n").rstrip("\n")


# --------------------------------------------------------------------------- quoting

_ESCAPES = {
    "\0": "\\0", "\a": "\\a", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\v": "\\v", "\f": "\\f",
    "\r": "\\r", "\x1b": "\\e", '"': '\\"', "\\": "\\\\", "\x85": "\\N", "\u2028": "\\L",
    "\u2029": "\\P", "\ufeff": "\\uFEFF",
}  # fmt: skip


def _printable(ch: str) -> bool:
    # The characters PyYAML's reader accepts raw in a stream (YAML 1.1 c-printable).
    o = ord(ch)
    return 0x20 <= o <= 0x7E or 0xA0 <= o <= 0xD7FF or 0xE000 <= o <= 0xFFFD or 0x10000 <= o <= 0x10FFFF


def quote(s: str) -> str:
    """``s`` as a YAML double-quoted scalar, on one line."""
    out = []
    for ch in s:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif _printable(ch):
            out.append(ch)
        else:
            o = ord(ch)
            out.append(f"\\x{o:02X}" if o <= 0xFF else f"\\u{o:04X}" if o <= 0xFFFF else f"\\U{o:08X}")
    return '"' + "".join(out) + '"'


_PLAIN_PUNCT = frozenset(" .-_/()&'+,!?’")
_RESOLVER = yaml.resolver.Resolver()


def plain_or_quote(s: str) -> str:
    """``s`` unquoted when that is unambiguous (``Radio Free Europe/Radio Liberty``), else quoted.

    Deliberately narrower than YAML's plain-scalar grammar: letters/digits plus a
    few punctuation marks, starting with a letter (so ``1e3``, a string to PyYAML
    but a float to YAML 1.2 parsers, is quoted), no edge spaces, and the implicit
    resolver must see a string (not ``yes``, ``null``...).
    """
    if (
        s
        and s[0].isalpha()
        and s == s.strip()
        and all(ch.isalnum() or ch in _PLAIN_PUNCT for ch in s)
        and all(_printable(ch) for ch in s)
        and _RESOLVER.resolve(yaml.ScalarNode, s, (True, False)) == "tag:yaml.org,2002:str"
    ):
        return s
    return quote(s)


def _float(x: float) -> str:
    r = repr(x)  # finite: json_safe turned NaN/infinity into null
    # YAML 1.1 (PyYAML) reads "1e+20" as a string: its float pattern needs a dot.
    if "." not in r:
        r = r.replace("e", ".0e") if "e" in r else r + ".0"
    return r


def _flow(value: Any) -> str:
    """A JSON-safe value as a one-line YAML flow value (used for unknown fields)."""
    if isinstance(value, float):
        return _float(value)
    if value is None or isinstance(value, (bool, int)):
        return json.dumps(value)
    if isinstance(value, str):
        return quote(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{quote(str(k))}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    raise RecordError(f"cannot write a value of type {type(value).__name__}")


def json_safe(value: Any) -> Any:
    """``value`` with only strict-JSON types.

    Dates become ISO strings, sets lists, bytes base64, and NaN/infinity null
    (strict JSON has no spelling for them).
    """
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, datetime):
        return format_datetime(value) if value.tzinfo else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, Mapping):
        return {_json_key(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (set, frozenset)):
        return sorted((json_safe(v) for v in value), key=repr)
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    return str(value)


def _json_key(key: Any) -> str:
    if isinstance(key, str):
        return key
    safe = json_safe(key)
    return safe if isinstance(safe, str) else json.dumps(safe)


# --------------------------------------------------------------------------- front matter


def _provider_dict(p: Provider) -> dict[str, str]:
    return {"name": p.name, "domain": p.domain}


def _image_dict(img: Image) -> dict[str, Any]:
    return {"url": img.url, "width": img.width, "height": img.height, "isCached": img.is_cached}


def _related_dict(item: RelatedItem) -> dict[str, Any]:
    d: dict[str, Any] = {
        "title": item.title,
        "excerpt": item.excerpt,
        "publishedDateTime": format_datetime(item.published),
        "webUrl": item.web_url,
        "type": item.type,
        "provider": _provider_dict(item.provider),
        "quality": item.quality,
        "images": [_image_dict(i) for i in item.images],
    }
    if item.copies:
        d["copies"] = list(item.copies)
    return d


def front_matter(article: Article, *, extra: bool = True) -> dict[str, Any]:
    """The public fields under their seed names, in record order; JSON-safe.

    With ``extra`` the unknown fields a record carried come after ``related``
    (before ``secured``), as they are written.
    """
    fm: dict[str, Any] = {
        "category": article.category,
        "title": article.title,
        "excerpt": article.excerpt,
        "publishedDateTime": format_datetime(article.published),
        "originalUrl": article.url,
        "webUrl": article.web_url,
        "type": article.type,
        "quality": article.quality,
        "heat": article.heat,
        "published": article.published_flag,
        "provider": _provider_dict(article.provider),
        "topics": list(article.topics),
        "images": [_image_dict(i) for i in article.images],
        "related": [_related_dict(r) for r in article.related],
    }
    if extra:
        for key, value in article.extra.items():
            if key in FIELD_ORDER:
                raise RecordError(f"extra field {key!r} clashes with a record field")
            fm[_json_key(key)] = json_safe(value)
    fm["secured"] = article.secured
    return fm


# --------------------------------------------------------------------------- writing


def _checked(value: Any, kind: type, where: str) -> Any:
    # bool is an int subclass, but `quality: true` is a type error, not 1.
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise RecordError(f"field '{where}': expected {kind.__name__}, got {type(value).__name__}")
    return value


def _int(value: Any, where: str) -> str:
    return str(_checked(value, int, where))


def _str(value: Any, where: str) -> str:
    return str(_checked(value, str, where))


def _bool(value: Any, where: str) -> str:
    return "true" if _checked(value, bool, where) else "false"


def _date(value: str | None) -> str:
    return "null" if value is None else value


def _emit_images(lines: list[str], key: str, images: list[dict[str, Any]], indent: str, where: str) -> None:
    if not images:
        lines.append(f"{indent}{key}: []")
        return
    lines.append(f"{indent}{key}:")
    item = indent + "  "
    for n, img in enumerate(images):
        w = f"{where}[{n}]"
        lines.append(f"{item}- url: {quote(_str(img['url'], w + '.url'))}")
        lines.append(f"{item}  width: {_int(img['width'], w + '.width')}")
        lines.append(f"{item}  height: {_int(img['height'], w + '.height')}")
        lines.append(f"{item}  isCached: {_bool(img['isCached'], w + '.isCached')}")


def _emit_provider(lines: list[str], provider: dict[str, str], indent: str, where: str) -> None:
    lines.append(f"{indent}provider:")
    lines.append(f"{indent}  name: {plain_or_quote(_str(provider['name'], where + '.name'))}")
    lines.append(f"{indent}  domain: {plain_or_quote(_str(provider['domain'], where + '.domain'))}")


def _emit_list(lines: list[str], key: str, values: list[str], indent: str, *, plain: bool) -> None:
    if not values:
        lines.append(f"{indent}{key}: []")
        return
    lines.append(f"{indent}{key}:")
    fmt = plain_or_quote if plain else quote
    lines.extend(f"{indent}  - {fmt(_str(v, key))}" for v in values)


def _emit_front_matter(fm: dict[str, Any]) -> list[str]:
    lines = [
        _DELIMITER,
        f"category: {plain_or_quote(_str(fm['category'], 'category'))}",
        f"title: {quote(_str(fm['title'], 'title'))}",
        f"excerpt: {quote(_str(fm['excerpt'], 'excerpt'))}",
        f"publishedDateTime: {_date(fm['publishedDateTime'])}",
        f"originalUrl: {quote(_str(fm['originalUrl'], 'originalUrl'))}",
        f"webUrl: {quote(_str(fm['webUrl'], 'webUrl'))}",
        f"type: {plain_or_quote(_str(fm['type'], 'type'))}",
        f"quality: {_int(fm['quality'], 'quality')}",
        f"heat: {_int(fm['heat'], 'heat')}",
        f"published: {_bool(fm['published'], 'published')}",
        "",
    ]
    _emit_provider(lines, fm["provider"], "", "provider")
    lines.append("")
    _emit_list(lines, "topics", fm["topics"], "", plain=True)
    lines.append("")
    _emit_images(lines, "images", fm["images"], "", "images")
    lines.append("")
    if not fm["related"]:
        lines.append("related: []")
    else:
        lines.append("related:")
        for n, item in enumerate(fm["related"]):
            w = f"related[{n}]"
            lines.append(f"  - title: {quote(_str(item['title'], w + '.title'))}")
            lines.append(f"    excerpt: {quote(_str(item['excerpt'], w + '.excerpt'))}")
            lines.append(f"    publishedDateTime: {_date(item['publishedDateTime'])}")
            lines.append(f"    webUrl: {quote(_str(item['webUrl'], w + '.webUrl'))}")
            lines.append(f"    type: {plain_or_quote(_str(item['type'], w + '.type'))}")
            _emit_provider(lines, item["provider"], "    ", w + ".provider")
            lines.append(f"    quality: {_int(item['quality'], w + '.quality')}")
            _emit_images(lines, "images", item["images"], "    ", w + ".images")
            if item.get("copies"):
                _emit_list(lines, "copies", item["copies"], "    ", plain=False)
    lines.append("")
    extras = [k for k in fm if k not in FIELD_ORDER]
    if extras:
        lines.extend(f"{plain_or_quote(k)}: {_flow(fm[k])}" for k in extras)
        lines.append("")
    lines.append(f"secured: {quote(_str(fm['secured'], 'secured'))}")
    lines.append(_DELIMITER)
    return lines


def dump_record(article: Article, *, keyring: Keyring | None = None) -> str:
    """The record text of ``article``; sealed (fresh ``secured``) when ``keyring`` is given."""
    if keyring is not None:
        from .secured import seal  # lazy: secured imports records

        article = article.replace(secured=seal(article, article.text, keyring))
    body = normalise_body(article.text)
    head = "\n".join(_emit_front_matter(front_matter(article))) + "\n"
    return head + "\n" + (body + "\n" if body else "")


# --------------------------------------------------------------------------- reading


def split_record(text: str | bytes, *, source: str = "<record>") -> tuple[str, str]:
    """(front matter YAML, body) of a record; the body normalised as written."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise RecordError(f"{source}: not UTF-8 text (binary?): {exc}") from exc
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    # split("\n"), not splitlines(): NEL/LS/PS inside the body are not line breaks here.
    lines = text.split("\n")
    if lines[0].rstrip(" \t") != _DELIMITER:
        raise RecordError(f"{source}: no front matter (a record starts with a '---' line)")
    for end in range(1, len(lines)):
        if lines[end].rstrip(" \t") == _DELIMITER:
            break
    else:
        raise RecordError(f"{source}: front matter is not closed by a '---' line")
    rest = "\n".join(lines[end + 1 :])
    return "\n".join(lines[1:end]), normalise_body(rest.removeprefix("\n"))


class _Fields:
    """Typed access to a YAML mapping; every failure names the source and the field."""

    def __init__(self, source: str):
        self.source = source

    def fail(self, where: str, message: str) -> NoReturn:
        raise RecordError(f"{self.source}: field '{where}': {message}")

    def _got(self, where: str, expected: str, value: Any) -> NoReturn:
        self.fail(where, f"expected {expected}, got {type(value).__name__} {value!r:.60}")

    def get_str(self, m: Mapping[Any, Any], key: str, where: str, default: str = "") -> str:
        value = m.get(key)
        if value is None:
            return default
        if not isinstance(value, str):
            self._got(where, "a string", value)
        return value

    def get_int(self, m: Mapping[Any, Any], key: str, where: str, default: int) -> int:
        value = m.get(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self._got(where, "an integer", value)
        return value

    def get_bool(self, m: Mapping[Any, Any], key: str, where: str, default: bool = False) -> bool:
        value = m.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            self._got(where, "true or false", value)
        return value

    def get_list(self, m: Mapping[Any, Any], key: str, where: str) -> list[Any]:
        value = m.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self._got(where, "a list", value)
        return value

    def mapping(self, value: Any, where: str) -> Mapping[Any, Any]:
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            self._got(where, "a mapping", value)
        return value

    def strings(self, m: Mapping[Any, Any], key: str, where: str) -> list[str]:
        out = []
        for n, v in enumerate(self.get_list(m, key, where)):
            if not isinstance(v, str):
                self._got(f"{where}[{n}]", "a string", v)
            out.append(v)
        return out

    def date(self, m: Mapping[Any, Any], key: str, where: str) -> datetime | None:
        return parse_datetime(m.get(key), where=where, source=self.source)

    def provider(self, value: Any, where: str) -> Provider:
        m = self.mapping(value, where)
        return Provider(
            name=self.get_str(m, "name", f"{where}.name"), domain=self.get_str(m, "domain", f"{where}.domain")
        )

    def images(self, m: Mapping[Any, Any], key: str, where: str) -> list[Image]:
        out = []
        for n, raw in enumerate(self.get_list(m, key, where)):
            w = f"{where}[{n}]"
            if isinstance(raw, str):  # hand-written records may list bare URLs
                out.append(Image(url=raw))
                continue
            im = self.mapping(raw, w)
            if "url" not in im:
                self.fail(f"{w}.url", "missing")
            url = self.get_str(im, "url", f"{w}.url")
            out.append(
                Image(
                    url=url,
                    width=self.get_int(im, "width", f"{w}.width", 0),
                    height=self.get_int(im, "height", f"{w}.height", 0),
                    is_cached=self.get_bool(im, "isCached", f"{w}.isCached"),
                )
            )
        return out

    def related(self, m: Mapping[Any, Any], key: str, where: str) -> list[RelatedItem]:
        out = []
        for n, raw in enumerate(self.get_list(m, key, where)):
            w = f"{where}[{n}]"
            r = self.mapping(raw, w)
            out.append(
                RelatedItem(
                    title=self.get_str(r, "title", f"{w}.title"),
                    excerpt=self.get_str(r, "excerpt", f"{w}.excerpt"),
                    published=self.date(r, "publishedDateTime", f"{w}.publishedDateTime"),
                    web_url=self.get_str(r, "webUrl", f"{w}.webUrl"),
                    type=self.get_str(r, "type", f"{w}.type", "article"),
                    provider=self.provider(r.get("provider"), f"{w}.provider"),
                    quality=self.get_int(r, "quality", f"{w}.quality", QUALITY_UNKNOWN),
                    images=self.images(r, "images", f"{w}.images"),
                    copies=self.strings(r, "copies", f"{w}.copies"),
                )
            )
        return out


def _article_from_front_matter(fm: Mapping[Any, Any], f: _Fields) -> Article:
    return Article(
        category=f.get_str(fm, "category", "category", "news"),
        title=f.get_str(fm, "title", "title"),
        excerpt=f.get_str(fm, "excerpt", "excerpt"),
        published=f.date(fm, "publishedDateTime", "publishedDateTime"),
        url=f.get_str(fm, "originalUrl", "originalUrl"),
        web_url=f.get_str(fm, "webUrl", "webUrl"),
        type=f.get_str(fm, "type", "type", "article"),
        quality=f.get_int(fm, "quality", "quality", QUALITY_UNKNOWN),
        heat=f.get_int(fm, "heat", "heat", HEAT_UNKNOWN),
        published_flag=f.get_bool(fm, "published", "published"),
        provider=f.provider(fm.get("provider"), "provider"),
        topics=f.strings(fm, "topics", "topics"),
        images=f.images(fm, "images", "images"),
        related=f.related(fm, "related", "related"),
        secured=f.get_str(fm, "secured", "secured"),
    )


def load_record(text: str | bytes, *, source: str = "<record>") -> Article:
    """Parse a record (``str``, or UTF-8 ``bytes``); raises RecordError naming ``source``."""
    yaml_text, body = split_record(text, source=source)
    try:
        data = load_yaml(yaml_text)
    except yaml.YAMLError as exc:
        # PyYAML's messages span lines (with a caret excerpt): one line names the input.
        raise RecordError(f"{source}: front matter is not valid YAML: {' '.join(str(exc).split())}") from exc
    f = _Fields(source)
    fm = f.mapping(data, "<front matter>")
    article = _article_from_front_matter(fm, f)
    article.text = body
    article.extra = {k: v for k, v in fm.items() if k not in FIELD_ORDER}
    article.source = source
    article.source_kind = "record"
    if article.published is not None:
        article.published_source = "record"
    return article


# --------------------------------------------------------------------------- JSON


def article_to_json(article: Article) -> dict[str, Any]:
    """Seed-named public fields plus ids, text and the other stored fields; JSON-safe.

    Unknown record fields go under ``extra`` (not at top level) so they cannot
    clash with ``id``/``text``/... .
    """
    obj: dict[str, Any] = {"id": article.id, "external_id": article.external_id}
    obj.update(front_matter(article, extra=False))
    obj.update({name: getattr(article, name) for name in _STORED_STR + _STORED_BOOL})
    obj.update({name: list(getattr(article, name)) for name in _STORED_LISTS})
    obj.update(
        topic_scores=[{"name": t.name, "id": t.id, "score": t.score} for t in article.topic_scores],
        quality_parts=dict(article.quality_parts),
        entities={kind: dict(names) for kind, names in article.entities.items()},
        ingested_at=format_datetime(article.ingested_at),
        updated=format_datetime(article.updated),
        extra=json_safe(article.extra),
        info=json_safe(article.info),
    )
    return obj


def article_from_json(obj: Mapping[str, Any], *, source: str = "<json>") -> Article:
    """Inverse of :func:`article_to_json`; unknown keys are kept in ``extra``."""
    f = _Fields(source)
    m = f.mapping(obj, "<object>")
    article = _article_from_front_matter(m, f)
    known = {"id", "external_id", *FIELD_ORDER, *STORED_FIELDS}
    extra = dict(f.mapping(m.get("extra"), "extra"))
    extra.update({k: v for k, v in m.items() if k not in known})
    changes: dict[str, Any] = {name: f.get_str(m, name, name) for name in ("id", "external_id", *_STORED_STR)}
    changes.update({name: f.get_bool(m, name, name) for name in _STORED_BOOL})
    changes.update({name: f.strings(m, name, name) for name in _STORED_LISTS})
    topics = []
    for i, t in enumerate(f.get_list(m, "topic_scores", "topic_scores")):
        t = f.mapping(t, f"topic_scores[{i}]")
        score = t.get("score", 0.0)
        if not isinstance(score, (int, float)) or isinstance(score, bool):
            f.fail(f"topic_scores[{i}].score", "expected a number")
        topics.append(TopicScore(f.get_str(t, "name", f"topic_scores[{i}].name"),
                                 f.get_str(t, "id", f"topic_scores[{i}].id"), float(score)))
    parts = {str(k): float(v) for k, v in f.mapping(m.get("quality_parts"), "quality_parts").items()}
    entities = {
        str(kind): {str(n): int(c) for n, c in f.mapping(names, f"entities.{kind}").items()}
        for kind, names in f.mapping(m.get("entities"), "entities").items()
    }
    return article.replace(
        **changes,
        topic_scores=topics,
        quality_parts=parts,
        entities=entities,
        ingested_at=f.date(m, "ingested_at", "ingested_at"),
        updated=f.date(m, "updated", "updated"),
        extra=extra,
        info=dict(f.mapping(m.get("info"), "info")),
    )
