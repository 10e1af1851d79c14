"""Learned topic heads: multinomial logistic regression over frozen embeddings.

The zero-shot classifier (``topics.py``) scores texts against label
descriptions; on real news it abstained on a third of the articles. The heads
here are learned from public labelled news (AG News, HuffPost, MasakhaNEWS
English and French, their labels mapped once to IPTC top-level subjects in
``benchmarks/topic_sets.py``) by ``benchmarks/train_topics.py`` and shipped as
one small ``.npz`` file (``data/topic_head.npz``). Two heads, one per embedding
space:

``static``  over the fast tier's static embeddings (English; ~500 docs/s here),
            used for English articles at ingest.
``e5``      over multilingual-e5-small (``multilingual.py``), used for articles
            in the other languages e5 covers: it was trained mostly on English
            labels (a sample of every set) and carries over through the shared space.

Probabilities are softmax(x W + b) / T with a temperature ``T`` fitted on
held-out folds (calibration). Subjects no set covers (conflict, disaster,
labour, weather ...) keep their zero-shot scores: see ``TopicClassifier``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import ConfigError

DEFAULT_HEAD = Path(__file__).parent / "data" / "topic_head.npz"
SPACES = ("static", "e5")


@dataclass
class LinearHead:
    """One space's head: classes in order, weights (dim, k), bias (k,), temperature."""

    classes: list[str]
    weights: np.ndarray
    bias: np.ndarray
    temperature: float

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        logits = (np.asarray(x, dtype=np.float32) @ self.weights + self.bias) / self.temperature
        logits -= logits.max(axis=1, keepdims=True)
        e = np.exp(logits)
        return np.asarray(e / e.sum(axis=1, keepdims=True), dtype=np.float64)


@dataclass
class TopicHeads:
    heads: dict[str, LinearHead]
    #: what the heads were trained on, for reports (``--info``)
    trained_on: list[str]
    path: Path

    def get(self, space: str) -> LinearHead | None:
        return self.heads.get(space)


def save_heads(path: Path, heads: dict[str, LinearHead], trained_on: list[str]) -> None:
    arrays: dict[str, np.ndarray] = {"trained_on": np.asarray(trained_on)}
    for space, head in heads.items():
        arrays[f"{space}_classes"] = np.asarray(head.classes)
        arrays[f"{space}_weights"] = head.weights.astype(np.float16)
        arrays[f"{space}_bias"] = head.bias.astype(np.float32)
        arrays[f"{space}_temperature"] = np.asarray([head.temperature], dtype=np.float32)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        np.savez_compressed(fh, **arrays)  # type: ignore[arg-type]


def load_heads(path: Path | str | None = None) -> TopicHeads:
    """The heads in ``path`` (default: the shipped file). A bad file is a ConfigError naming it."""
    path = Path(path) if path else DEFAULT_HEAD
    try:
        with np.load(path, allow_pickle=False) as data:
            heads = {}
            for space in SPACES:
                if f"{space}_weights" not in data:
                    continue
                classes = [str(c) for c in data[f"{space}_classes"]]
                weights = np.asarray(data[f"{space}_weights"], dtype=np.float32)
                bias = np.asarray(data[f"{space}_bias"], dtype=np.float32)
                temp = float(data[f"{space}_temperature"][0])
                if weights.shape[1] != len(classes) or bias.shape != (len(classes),) or temp <= 0:
                    raise ConfigError(f"topic head {path}: {space} weights do not match its classes")
                heads[space] = LinearHead(classes, weights, bias, temp)
            trained_on = [str(s) for s in data["trained_on"]] if "trained_on" in data else []
    except (OSError, ValueError, KeyError) as exc:
        raise ConfigError(f"cannot read topic head {path}: {exc}") from exc
    if not heads:
        raise ConfigError(f"topic head {path} holds no head ({', '.join(SPACES)})")
    return TopicHeads(heads, trained_on, path)
