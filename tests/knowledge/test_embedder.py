"""The embedders: the packaged ONNX model reproduces the original
sentence-transformers embeddings (reference vectors from the model's parity
check), and the provider embedder speaks the OpenAI /v1/embeddings protocol."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from knowledge import DIM, EmbeddingError, OnnxEmbedder, OpenAICompatibleEmbedder
from tests.doubles.loopback import serve
from tests.doubles.openai_embeddings import EmbeddingsDouble

# 20 of the parity check's texts (3 to 661 tokens) and the original model's embeddings of them,
# copied from the model's parity data (knowledge/models/all-MiniLM-L6-v2/PARITY.md).
PARITY = np.load(Path(__file__).parent / "data" / "parity_subset.npz")


def test_fp32_matches_the_original_model_to_float_rounding(embedder: OnnxEmbedder) -> None:
    vectors = embedder.embed([str(t) for t in PARITY["texts"]])
    cosine = (vectors * PARITY["reference"]).sum(axis=1)
    assert vectors.shape == (len(PARITY["texts"]), DIM) and vectors.dtype == np.float32
    assert cosine.min() > 0.99999, cosine.min()


def test_texts_over_256_tokens_are_truncated_like_the_original() -> None:
    long_rows = [i for i, t in enumerate(PARITY["texts"]) if len(str(t).split()) > 300]
    assert long_rows, "the subset holds texts longer than the model's 256 tokens"
    vectors = OnnxEmbedder("fp32").embed([str(PARITY["texts"][i]) for i in long_rows])
    assert ((vectors * PARITY["reference"][long_rows]).sum(axis=1) > 0.99999).all()


def test_int8_is_close_but_not_identical(embedder: OnnxEmbedder) -> None:
    int8 = OnnxEmbedder("int8")
    texts = [str(t) for t in PARITY["texts"]]
    cosine = (int8.embed(texts) * PARITY["reference"]).sum(axis=1)
    assert 0.95 < cosine.min() < 0.9999 and cosine.mean() > 0.985
    assert int8.name != embedder.name  # stored with each vector, so the two are never mixed


def test_vectors_are_unit_length_and_batch_order_is_kept(embedder: OnnxEmbedder) -> None:
    texts = ["ok", "How is my liquidation price computed?" * 3, "funding", "A longer sentence about margin."]
    batch = embedder.embed(texts)
    np.testing.assert_allclose(np.linalg.norm(batch, axis=1), 1.0, atol=1e-5)
    one_by_one = np.vstack([embedder.embed([t]) for t in texts])
    np.testing.assert_allclose(batch, one_by_one, atol=1e-5)
    assert embedder.embed([]).shape == (0, DIM)


def test_an_unknown_variant_is_refused() -> None:
    with pytest.raises(EmbeddingError, match="unknown model variant 'fp16'"):
        OnnxEmbedder("fp16")


def test_a_missing_model_file_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(EmbeddingError, match="model.onnx is missing; reinstall"):
        OnnxEmbedder("fp32", model_dir=tmp_path).embed(["x"])


@pytest.fixture
def api() -> Iterator[tuple[EmbeddingsDouble, str]]:
    double = EmbeddingsDouble()
    with serve(double.app()) as url:
        yield double, url + "/v1"


def test_the_provider_embedder_asks_for_384_dimensions_and_keeps_input_order(api) -> None:  # noqa: ANN001
    double, url = api
    embedder = OpenAICompatibleEmbedder(url, "text-embedding-3-small", "test-key", batch_size=2)
    vectors = embedder.embed(["alpha", "beta", "gamma"])
    assert vectors.shape == (3, DIM)
    np.testing.assert_allclose(vectors[2], EmbeddingsDouble.vector("gamma", DIM), atol=1e-6)
    assert [r["input"] for r in double.requests] == [["alpha", "beta"], ["gamma"]]
    assert all(r["dimensions"] == DIM and r["model"] == "text-embedding-3-small" for r in double.requests)
    assert embedder.name == "api:text-embedding-3-small"


def test_the_provider_embedder_retries_a_rate_limit(api) -> None:  # noqa: ANN001
    double, url = api
    double.rate_limited = 2
    vectors = OpenAICompatibleEmbedder(url, "m", "test-key").embed(["alpha"])
    assert vectors.shape == (1, DIM) and len(double.requests) == 3


def test_a_wrong_key_or_size_is_one_clear_error(api) -> None:  # noqa: ANN001
    double, url = api
    with pytest.raises(EmbeddingError, match="refused the request \\(HTTP 401: Incorrect API key provided\\)"):
        OpenAICompatibleEmbedder(url, "m", "wrong-key").embed(["alpha"])
    double.honour_dimensions = False
    with pytest.raises(EmbeddingError, match="returned 1536-dimensional vectors; the knowledge store holds 384"):
        OpenAICompatibleEmbedder(url, "m", "test-key").embed(["alpha"])
