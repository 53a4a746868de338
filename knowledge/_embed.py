"""Embedders: text -> unit vectors. One interface, two implementations.

* :class:`OnnxEmbedder`: the packaged all-MiniLM-L6-v2 (``knowledge/models``), with
  onnxruntime and Hugging Face ``tokenizers``; no torch, nothing downloaded. It
  does what the model's PARITY.md says a loader must: truncate at 256 tokens, pad
  to the longest text of the batch, mean-pool over the attention mask, L2-normalise.
* :class:`OpenAICompatibleEmbedder`: a provider's ``POST /embeddings`` (the OpenAI
  protocol), over httpx, asking for the store's 384 dimensions.

Vectors of different models must never meet in one index: :attr:`Embedder.name`
is stored with every vector and the indexer re-embeds when it changes.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import httpx
import numpy as np
from tenacity import retry, retry_if_exception, stop_after_attempt, wait_exponential_jitter

from knowledge._errors import EmbeddingError

__all__ = ["DIM", "MODEL_DIR", "Embedder", "OnnxEmbedder", "OpenAICompatibleEmbedder"]

DIM = 384  # the store's vector(384) column
MODEL_DIR = Path(__file__).resolve().parent / "models" / "all-MiniLM-L6-v2"
_MODEL_FILES = {"fp32": "model.onnx", "int8": "model_qint8.onnx"}
_MAX_TOKENS = 256  # sentence_bert_config.json max_seq_length; tokenizer.json itself says 128


class Embedder(Protocol):
    """Turns texts into float32 unit vectors, shape [len(texts), dim]."""

    @property
    def name(self) -> str: ...

    @property
    def dim(self) -> int: ...

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


def _normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    normalised: np.ndarray = (vectors / np.maximum(norms, 1e-12)).astype(np.float32)
    return normalised


class OnnxEmbedder:
    """all-MiniLM-L6-v2 in ONNX; the model loads on first use (start-up with nothing to embed stays fast)."""

    def __init__(self, variant: str = "fp32", *, threads: int = 2, batch_size: int = 32,
                 model_dir: Path = MODEL_DIR) -> None:
        if variant not in _MODEL_FILES:
            raise EmbeddingError(f"unknown model variant {variant!r}; use one of {', '.join(_MODEL_FILES)}")
        self._variant = variant
        self._file = model_dir / _MODEL_FILES[variant]
        self._tokenizer_file = model_dir / "tokenizer.json"
        self._threads = threads
        self._batch_size = batch_size
        self._lock = threading.Lock()
        self._loaded: tuple[Any, Any, set[str]] | None = None

    @property
    def name(self) -> str:
        return f"all-MiniLM-L6-v2/{self._variant}"

    @property
    def dim(self) -> int:
        return DIM

    def _load(self) -> tuple[Any, Any, set[str]]:
        with self._lock:
            if self._loaded is None:
                for needed in (self._file, self._tokenizer_file):
                    if not needed.is_file():
                        raise EmbeddingError(f"the embedding model file {needed} is missing; reinstall QuantDesk "
                                             "(the model ships in knowledge/models)")
                import onnxruntime as ort  # imported here: commands that never embed don't pay for it
                from tokenizers import Tokenizer

                tokenizer = Tokenizer.from_file(str(self._tokenizer_file))
                # Required override (PARITY.md): the file truncates and pads to 128.
                tokenizer.enable_truncation(max_length=_MAX_TOKENS)
                tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
                options = ort.SessionOptions()
                options.intra_op_num_threads = self._threads
                options.inter_op_num_threads = 1
                session = ort.InferenceSession(str(self._file), options, providers=["CPUExecutionProvider"])
                self._loaded = (tokenizer, session, {i.name for i in session.get_inputs()})
            return self._loaded

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        tokenizer, session, inputs = self._load()
        cleaned = [t.strip() for t in texts]
        # Batches of similar length pad less (PARITY.md: padding dominates mixed batches).
        order = sorted(range(len(cleaned)), key=lambda i: len(cleaned[i]))
        out = np.empty((len(cleaned), DIM), dtype=np.float32)
        for start in range(0, len(order), self._batch_size):
            idx = order[start:start + self._batch_size]
            encodings = tokenizer.encode_batch([cleaned[i] for i in idx])
            ids = np.array([e.ids for e in encodings], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
            feed = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in inputs:
                feed["token_type_ids"] = np.array([e.type_ids for e in encodings], dtype=np.int64)
            hidden = session.run(["last_hidden_state"], feed)[0]
            weights = mask[:, :, None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
            out[idx] = _normalise(pooled)
        return out


def _retryable(exc: BaseException) -> bool:
    if isinstance(exc, httpx.HTTPStatusError):
        return exc.response.status_code == 429 or exc.response.status_code >= 500
    return isinstance(exc, httpx.TransportError)


class OpenAICompatibleEmbedder:
    """A provider's ``/embeddings`` endpoint (OpenAI's protocol: ``{"model", "input": [...]}`` ->
    ``{"data": [{"index", "embedding"}]}``). Asks for ``dimensions`` = 384, which text-embedding-3
    models honour; a provider that returns another size is refused, since the store holds 384."""

    def __init__(self, base_url: str, model: str, api_key: str | None = None, *, timeout_s: float = 30.0,
                 batch_size: int = 128, client: httpx.Client | None = None) -> None:
        self._url = base_url.rstrip("/") + "/embeddings"
        self._model = model
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = client or httpx.Client(timeout=timeout_s, headers=headers)
        self._batch_size = batch_size

    @property
    def name(self) -> str:
        return f"api:{self._model}"

    @property
    def dim(self) -> int:
        return DIM

    def close(self) -> None:
        self._client.close()

    @retry(retry=retry_if_exception(_retryable), stop=stop_after_attempt(4),
           wait=wait_exponential_jitter(multiplier=0.5, max=8, jitter=0.5), reraise=True)
    def _post(self, batch: list[str]) -> dict[str, Any]:
        response = self._client.post(self._url, json={"model": self._model, "input": batch, "dimensions": DIM,
                                                      "encoding_format": "float"})
        response.raise_for_status()
        body: dict[str, Any] = response.json()
        return body

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        rows: list[list[float]] = []
        for start in range(0, len(texts), self._batch_size):
            batch = [t.strip() or " " for t in texts[start:start + self._batch_size]]
            try:
                body = self._post(batch)
            except httpx.HTTPStatusError as exc:
                raise EmbeddingError(f"the embedding API at {self._url} refused the request "
                                     f"(HTTP {exc.response.status_code}: {_api_message(exc.response)})") from None
            except httpx.HTTPError as exc:
                raise EmbeddingError(
                    f"the embedding API at {self._url} is unreachable ({type(exc).__name__})") from None
            data = sorted(body.get("data", []), key=lambda d: d["index"])
            if len(data) != len(batch):
                raise EmbeddingError(f"the embedding API returned {len(data)} vectors for {len(batch)} texts")
            for item in data:
                if len(item["embedding"]) != DIM:
                    raise EmbeddingError(f"the embedding API returned {len(item['embedding'])}-dimensional vectors; "
                                         f"the knowledge store holds {DIM} (choose a model that accepts "
                                         "'dimensions', such as text-embedding-3-small)")
                rows.append(item["embedding"])
        return _normalise(np.array(rows, dtype=np.float32).reshape(len(rows), DIM))


def _api_message(response: httpx.Response) -> str:
    try:
        return str(response.json()["error"]["message"])[:200]
    except (ValueError, KeyError, TypeError):
        return response.reason_phrase
