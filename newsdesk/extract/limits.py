"""Limits checked before the work: one hostile input must not stall or abort a run.

Each parser newsdesk uses has a cost that some input makes explode: Python's JSON
decoder recurses per nesting level and refuses integers over 4,300 digits (after
reading them); YAML anchors let a few hundred bytes stand for billions of nodes
(the "billion laughs"); lxml and the extractors walk the HTML tree recursively and
some of their passes are quadratic in the attributes of one element. So each input
kind is measured first, cheaply and linearly, and refused (or degraded) with a
message naming the input before the expensive step runs. A wall-clock budget per
input catches whatever the pre-scans do not foresee.
"""

from __future__ import annotations

import json
import re
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import yaml

from ..errors import InputError, MalformedInput

#: deepest JSON nesting accepted (interchange lines are flat objects; 64 leaves room)
MAX_JSON_DEPTH = 64
#: longest integer literal accepted in JSON (Python refuses 4,300 digits only after reading them)
MAX_JSON_INT_DIGITS = 64
#: YAML aliases one record may use; records are written without any
MAX_YAML_ALIASES = 64
#: deepest YAML nesting accepted (a record's deepest field is related[].images[].url: 4)
MAX_YAML_DEPTH = 32
#: nodes a YAML document may stand for once its aliases are expanded (a record has ~100)
MAX_YAML_NODES = 100_000
#: deepest HTML element nesting accepted; real pages stay well below 100
MAX_HTML_DEPTH = 1024
#: attributes one HTML element may carry, and bytes one start tag may take, before they are dropped
MAX_HTML_ATTRIBUTES = 256
MAX_HTML_TAG_BYTES = 64 * 1024


class InputTimeout(InputError):
    """An input took longer than its time budget."""


# ---------------------------------------------------------------------------------- JSON


def _parse_int(literal: str) -> int:
    # Called with the literal before it is converted: the size is judged before the work.
    if len(literal.lstrip("-")) > MAX_JSON_INT_DIGITS:
        raise ValueError(f"a number of {len(literal):,} digits is over the {MAX_JSON_INT_DIGITS}-digit limit")
    return int(literal)


def _depth(value: Any) -> int:
    """The nesting depth of a decoded JSON value, walked without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            deepest = max(deepest, level)
            stack.extend((child, level + 1) for child in item if isinstance(child, (dict, list)))
    return deepest


def load_json(text: str, *, source: str, line: int | None = None) -> Any:
    """``json.loads`` with number size judged before conversion and nesting bounded.

    The C decoder guards its own recursion (RecursionError, not a crash); that and
    the depth check after decoding turn deep nesting into one clear error.
    """
    try:
        value = json.loads(text, parse_int=_parse_int)
    except json.JSONDecodeError as exc:
        raise MalformedInput(
            f"invalid JSON: {exc.msg} at column {exc.colno}", source=source, line=line
        ) from exc
    except RecursionError as exc:
        raise MalformedInput(
            f"JSON nested deeper than {MAX_JSON_DEPTH} levels", source=source, line=line
        ) from exc
    except ValueError as exc:
        raise MalformedInput(f"invalid JSON: {exc}", source=source, line=line) from exc
    if _depth(value) > MAX_JSON_DEPTH:
        raise MalformedInput(f"JSON nested deeper than {MAX_JSON_DEPTH} levels", source=source, line=line)
    return value


# ---------------------------------------------------------------------------------- YAML


class LimitedYAMLError(yaml.YAMLError):
    """A YAML document over the alias or depth budget."""


class _LimitedLoader(yaml.SafeLoader):
    """SafeLoader (no Python objects) that counts aliases and nesting while composing.

    Aliases are counted at the event level, before any node is built, so an alias
    bomb is refused after ``MAX_YAML_ALIASES`` references instead of being expanded
    later by whoever walks the result.
    """

    def __init__(self, stream: str):
        super().__init__(stream)
        self._aliases = 0
        self._depth = 0
        self._sizes: dict[int, int] = {}  # id(node) -> nodes it stands for, aliases expanded

    def compose_node(self, parent: Any, index: Any) -> Any:
        alias = self.check_event(yaml.AliasEvent)
        if alias:
            self._aliases += 1
            if self._aliases > MAX_YAML_ALIASES:
                raise LimitedYAMLError(f"more than {MAX_YAML_ALIASES} aliases (alias expansion refused)")
        self._depth += 1
        try:
            if self._depth > MAX_YAML_DEPTH:
                raise LimitedYAMLError(f"nested deeper than {MAX_YAML_DEPTH} levels")
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        if not alias:
            # Sizes bottom-up: a few dozen aliases of aliases stand for billions of nodes
            # (found by fuzzing: 54 aliases, 9 per level, expanded to 4.7 million values).
            if isinstance(node, yaml.SequenceNode):
                children = list(node.value)
            elif isinstance(node, yaml.MappingNode):
                children = [n for pair in node.value for n in pair]
            else:
                children = []
            size = 1 + sum(self._sizes.get(id(c), 1) for c in children)
            if size > MAX_YAML_NODES:
                raise LimitedYAMLError(f"stands for over {MAX_YAML_NODES:,} values once aliases are expanded")
            self._sizes[id(node)] = size
        return node


def load_yaml(text: str) -> Any:
    """``yaml.safe_load`` under the alias and depth budgets; raises yaml.YAMLError subclasses.

    Values YAML's resolver accepts but Python cannot build (``2021-13-01``, year 0)
    raise ValueError from the constructor: they are turned into YAMLError too.
    """
    loader = _LimitedLoader(text)
    try:
        return loader.get_single_data()
    except yaml.YAMLError:
        raise
    except (ValueError, OverflowError, TypeError, RecursionError) as exc:
        raise yaml.YAMLError(f"a value cannot be read: {exc}") from exc
    finally:
        loader.dispose()


# ---------------------------------------------------------------------------------- HTML

_TAG = re.compile(rb"<(/?)([A-Za-z][A-Za-z0-9:-]{0,63})([^<>]*)>")
# Elements without content, and those whose end tag is optional (the parser closes them
# implicitly, so counting their start tags would overstate the depth of ordinary pages).
_NO_DEPTH = frozenset(
    b"area base br col embed hr img input link meta param source track wbr "
    b"p li dt dd tr td th option optgroup thead tbody tfoot colgroup rb rt rp html head body".split()
)


def prescan_html(data: bytes, *, source: str) -> tuple[bytes, list[str]]:
    """``data`` with over-large start tags reduced to their bare name, plus notes on what changed.

    Refuses (MalformedInput) a page nested deeper than ``MAX_HTML_DEPTH``: no
    extractor reads such a page usefully, and the tree walks recurse per level.
    A start tag with more than ``MAX_HTML_ATTRIBUTES`` attributes or over
    ``MAX_HTML_TAG_BYTES`` bytes keeps its element but loses its attributes (the
    page's text survives; such attributes are never article text).
    """
    depth = 0
    notes: list[str] = []
    cuts: list[tuple[int, int, bytes]] = []
    for m in _TAG.finditer(data):
        closing, name, attrs = m.group(1), m.group(2).lower(), m.group(3)
        if not closing:
            if len(attrs) > MAX_HTML_TAG_BYTES or attrs.count(b"=") > MAX_HTML_ATTRIBUTES:
                cuts.append((m.start(), m.end(), b"<" + name + b">"))
            if name not in _NO_DEPTH and not attrs.rstrip().endswith(b"/"):
                depth += 1
                if depth > MAX_HTML_DEPTH:
                    raise MalformedInput(f"HTML nested deeper than {MAX_HTML_DEPTH} elements", source=source)
        elif name not in _NO_DEPTH and depth > 0:
            depth -= 1
    if not cuts:
        return data, notes
    out, at = [], 0
    for start, end, bare in cuts:
        out += [data[at:start], bare]
        at = end
    out.append(data[at:])
    notes.append(
        f"attributes dropped from {len(cuts)} element(s) with over {MAX_HTML_ATTRIBUTES} attributes "
        f"or {MAX_HTML_TAG_BYTES:,} bytes"
    )
    return b"".join(out), notes


# ---------------------------------------------------------------------------------- time


@contextmanager
def time_budget(seconds: float, *, source: str) -> Iterator[None]:
    """Raise InputTimeout inside the block once ``seconds`` of wall-clock time have passed.

    Uses SIGALRM, so it only acts in the main thread of a Unix process (the CLI's
    ingest); elsewhere (API worker threads) the pre-scan limits are the guard.
    The timer is re-armed for any outer budget on the way out.
    """
    usable = (
        seconds > 0 and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield
        return

    def _expired(signum: int, frame: Any) -> None:
        raise InputTimeout(f"took over the {seconds:g}-second budget per input", source=source)

    previous = signal.signal(signal.SIGALRM, _expired)
    outer, _ = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer:
            signal.setitimer(signal.ITIMER_REAL, outer)
