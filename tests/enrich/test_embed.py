"""Embedders load offline from packaged weights; embeddings store compactly."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from newsdesk.enrich import embed
from newsdesk.enrich.embed import (
    Embedder,
    EmbeddingError,
    SentenceTransformerEmbedder,
    load_static_embedder,
    pack_embedding,
    static_model_dir,
    unpack_embedding,
)
from newsdesk.errors import ConfigError

#: Keep only BERT's special tokens and three-letter words: the real distillation
#: code path, on ~1,000 word pieces instead of 30,000, so it runs in seconds.
SMALL_VOCAB = r"^(?!\[(?:PAD|UNK|CLS|SEP|MASK)\]$)(?![a-z]{3}$)"


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open a socket fails the test: loading must be offline."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.fixture(scope="module")
def minilm() -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder()


def _assert_unit_rows(x: np.ndarray, n: int, dim: int) -> None:
    assert x.shape == (n, dim)
    assert x.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(x, axis=1), 1.0, atol=1e-5)


def test_packaged_minilm_loads_offline_and_embeds(no_network: None) -> None:
    model = SentenceTransformerEmbedder()
    assert isinstance(model, Embedder)
    assert model.dim == 384
    x = model.embed(["The central bank raised interest rates.", "The striker scored twice in the final."])
    _assert_unit_rows(x, 2, 384)
    assert model.embed([]).shape == (0, 384)


def test_minilm_similarity_is_meaningful(minilm: SentenceTransformerEmbedder) -> None:
    a, b, c = minilm.embed(
        [
            "Stocks fell on Wall Street as investors worried about inflation.",
            "Shares dropped sharply amid fears of rising prices.",
            "The goalkeeper saved a penalty in extra time.",
        ]
    )
    assert a @ b > a @ c + 0.2


def test_static_model_is_distilled_offline_into_data_dir_then_loaded(
    tmp_path: Path, no_network: None
) -> None:
    with pytest.raises(EmbeddingError):
        load_static_embedder(tmp_path, distill_if_missing=False)
    model = load_static_embedder(tmp_path, token_remove_pattern=SMALL_VOCAB)
    target = static_model_dir(tmp_path)
    assert (target / "config.json").is_file()
    assert "all-MiniLM-L6-v2" in (target / "NEWSDESK_SOURCE").read_text()
    # no half-written temporary directory is left beside it
    assert [p.name for p in target.parent.iterdir()] == [target.name]
    x = model.embed(["the cat sat", "the dog ran", "tax law act"])
    _assert_unit_rows(x, 3, model.dim)
    assert x[0] @ x[1] > x[0] @ x[2]
    # the second load uses the cache, without the distillation machinery
    again = load_static_embedder(tmp_path, distill_if_missing=False)
    np.testing.assert_allclose(again.embed(["the cat sat"]), x[:1], atol=1e-6)


def test_static_embedder_refuses_missing_dir(tmp_path: Path) -> None:
    with pytest.raises(EmbeddingError):
        embed.StaticEmbedder(tmp_path / "nothing")


@pytest.mark.parametrize(("kind", "tol", "size"), [("f16", 2e-3, 1 + 2 * 384), ("i8", 1e-2, 1 + 4 + 384)])
def test_storage_round_trip(kind: embed.StorageKind, tol: float, size: int) -> None:
    rng = np.random.default_rng(3)
    vectors = embed.l2_normalise(rng.normal(size=(20, 384)))
    for v in vectors:
        blob = pack_embedding(v, kind)
        assert isinstance(blob, bytes) and len(blob) == size
        back = unpack_embedding(blob)
        assert back.dtype == np.float32 and back.shape == v.shape
        np.testing.assert_allclose(back, v, atol=tol)
        assert abs(float(back @ vectors[0]) - float(v @ vectors[0])) < tol * 5


def test_storage_of_zero_vector_and_bad_input() -> None:
    zero = np.zeros(8, dtype=np.float32)
    np.testing.assert_array_equal(unpack_embedding(pack_embedding(zero, "i8")), zero)
    with pytest.raises(ConfigError):
        pack_embedding(zero, "f64")  # type: ignore[arg-type]
    for bad in (b"", b"z123", b"h1", b"q12"):
        with pytest.raises(EmbeddingError):
            unpack_embedding(bad)


def test_l2_normalise_leaves_empty_rows_zero() -> None:
    x = embed.l2_normalise(np.array([[3.0, 4.0], [0.0, 0.0]]))
    np.testing.assert_allclose(x, [[0.6, 0.8], [0.0, 0.0]])
